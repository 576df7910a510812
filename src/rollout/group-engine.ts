// The group engine: several releases released as one canary (the `group` input, docs/groups.md).
// Canaries step together in rounds. A member's depth is the longest `after:` chain to it; at round
// r it is at step r − depth, so a release starts only once the releases it waits for passed their
// first step. A round passes when every active member's step passed; any member's rollback or
// failure rolls the whole group back (group-outcomes.ts). Pure logic: the world is reached only
// through each member's ports, as in engine.ts, and each step is soaked by soak.ts's StepSoak.
import type { GroupMember, ReleaseGroup } from '../config/spec.js';
import { CanaryLease, NothingDeployedError, readCanary } from './lock.js';
import { foreignRelease, lockConflict, makeMarks, resumeStepIndex, type MarkPhase } from './ownership.js';
import { addEvent, beginStep, endStep, newRecord, setPhase } from './record-builder.js';
import type { MemberRecord, RolloutRecord } from './record.js';
import { ReportQueue } from './report-queue.js';
import { StableDataWatch } from './stable-data.js';
import { Interrupted, plannedSteps, StepSoak, throwIfInterrupted, type SoakResult } from './soak.js';
import { preflightStep } from './preflight-step.js';
import type { EngineDeps } from './ports.js';
import type { Ending } from './outcomes.js';
import { errorMessage } from '../error-message.js';
import { formatDuration } from '../format.js';
import { pauseGroup, promoteGroup, rollBackGroup, stopGroup } from './group-outcomes.js';
import type { GroupDeps, GroupRun, Member } from './group-run.js';

export interface GroupContext {
  /** Identifies this workflow run for the leases (GITHUB_RUN_ID). */
  holder: string;
  /** The group's check run id, once created, kept in every member's marks. */
  checkRunId?: () => number | undefined;
}

/** The group's record: the first member's settings, the group's names, and the members' records. */
export function newGroupRecord(group: ReleaseGroup, at: Date): RolloutRecord {
  const specs = group.members.map((m) => m.spec);
  const record = newRecord(
    {
      ...specs[0],
      release: specs.map((s) => s.release).join(' + '),
      canaryRelease: specs.map((s) => s.canaryRelease).join(' + '),
      chart: specs.map((s) => s.chart).join(' + '),
      version: specs.map((s) => `${s.release} ${s.version}`).join(', ')
    },
    at
  );
  record.routing = [...new Set(specs.map((s) => s.routing))].join(', ');
  record.group = { file: group.file, alpha: group.alpha };
  record.members = group.members.map((m) => memberRecord(m, at));
  return record;
}

function memberRecord(member: GroupMember, at: Date): MemberRecord {
  return { ...newRecord(member.spec, at), after: [...member.after] };
}

export async function runGroup(
  group: ReleaseGroup,
  deps: GroupDeps,
  context: GroupContext
): Promise<RolloutRecord> {
  const { clock, log, signal } = deps;
  const record = newGroupRecord(group, new Date(clock.now()));
  const reports = new ReportQueue(deps.reporter, log);
  const steps = group.members[0].spec.steps;
  const shared = group.members[0].spec;
  const members: Member[] = group.members.map((m, index) => ({
    spec: m.spec,
    after: m.after,
    depth: m.depth,
    ports: deps.members[index],
    record: record.members![index],
    lease: new CanaryLease(deps.members[index].marks, deps.members[index].deployer, () => clock.now()),
    mayExist: false,
    stableData: new StableDataWatch()
  }));
  const run: GroupRun = {
    record,
    members,
    clock,
    log,
    reports,
    persist: () => {
      try {
        deps.persist?.(record);
      } catch (error) {
        log.warning(`Could not save the rollout state: ${errorMessage(error)}`);
      }
    }
  };
  const now = (): Date => new Date(clock.now());
  const event = (member: Member | undefined, type: string, message: string): void => {
    addEvent(member?.record ?? record, now(), type, message);
    log.info(message);
  };
  const engineDeps = (member: Member): EngineDeps => ({
    ...member.ports,
    clock,
    log,
    signal,
    reporter: { start: async () => {}, update: async () => {}, finish: async () => {} }
  });
  const stepSeconds =
    shared.soakSeconds +
    shared.analysis.maxExtraSoakSeconds +
    4 * shared.intervalSeconds +
    shared.helmTimeoutSeconds;
  const maxDepth = Math.max(...members.map((m) => m.depth));
  const rounds = steps.length + maxDepth;
  const leaseSeconds = stepSeconds * rounds + 60;
  const startedAt = now().toISOString();
  const marks = (member: Member, phase: MarkPhase): Record<string, string> =>
    makeMarks({
      version: member.spec.version,
      holder: context.holder,
      stableRelease: member.spec.release,
      phase,
      now: clock.now(),
      leaseSeconds,
      startedAt,
      checkRunId: context.checkRunId?.()
    });

  try {
    // 1. Every member's preflight, before anything changes.
    const stopped = new Map<Member, Ending>();
    for (const member of members) {
      const checked = await preflightStep(member.spec, engineDeps(member));
      if (checked.kind === 'stop') {
        if (checked.record.preflight) member.record.preflight = checked.record.preflight;
        stopped.set(member, checked.ending);
        continue;
      }
      member.spec = checked.spec;
      member.ports = { ...member.ports, sampler: checked.deps.sampler };
      if (checked.preflight) member.record.preflight = checked.preflight;
    }
    if (stopped.size > 0) {
      const [first, ending] = [...stopped][0];
      const decision = ending.decision === 'none' ? 'none' : 'failed';
      const why =
        decision === 'none'
          ? ending.reason
          : `${first.spec.release}: ${ending.reason} Nothing was changed for any release of the group`;
      for (const member of members) {
        if (!stopped.has(member))
          stopped.set(member, { decision: 'none', reason: `Not started: ${why}`, finalWeight: 0 });
      }
      return await stopGroup(run, decision, why, stopped);
    }

    // 2. Each member's canary and stable as the cluster has them: a new group, or one to continue.
    let startRound = 0;
    for (const member of members) {
      member.record.previousVersion = await member.ports.deployer.stableVersion().catch(() => undefined);
      const stable = await member.ports.deployer.stableState();
      if (!stable.exists) {
        return await stopGroup(
          run,
          'failed',
          `${member.spec.release} has no stable release: a group canaries releases that exist; install ${member.spec.release} first. Nothing was changed`
        );
      }
      const state = await readCanary(member.ports, member.lease);
      if (!state.exists) continue;
      const refusal =
        foreignRelease(state, member.spec.canaryRelease, member.spec.release) ??
        lockConflict(state, context.holder, clock.now()) ??
        (state.version !== member.spec.version
          ? `${member.spec.canaryRelease} already runs ${state.version ?? 'another version'}; finish it with command: rollback`
          : undefined);
      if (refusal)
        return await stopGroup(
          run,
          'refused',
          `Refused: ${member.spec.release}: ${refusal}. Nothing was changed`
        );
      member.mayExist = true;
      const index = resumeStepIndex(steps, state.weight ?? 0, state.marks?.phase === 'paused');
      startRound = Math.max(startRound, index + member.depth);
      member.record.currentWeight = state.weight ?? 0;
    }
    if (startRound > 0) log.info(`Continuing the group at round ${startRound + 1} of ${rounds}`);

    // 3. Every counter before any canary exists: a Prometheus that does not answer stops us here.
    reports.start(record);
    for (const member of members) {
      const baseline = await member.ports.sampler.baseline();
      // A member starts its steps at round depth; a continued group resumes them where it stands.
      const from = Math.max(0, startRound - member.depth);
      member.ports.judge.begin(member.spec.analysis, baseline, plannedSteps(member.spec, from));
    }
    throwIfInterrupted(signal);

    // 4. The group holds every member's lease before the first install, or none.
    for (const member of members) {
      const taken = await member.lease.take(marks(member, 'soaking'));
      if (!taken.acquired) {
        for (const held of members) await held.lease.release('held').catch(() => undefined);
        return await stopGroup(
          run,
          'refused',
          `Refused: ${member.spec.release}: ${taken.reason}. Nothing was changed for any release of the group`
        );
      }
    }

    // 5. The rounds.
    for (let round = startRound; round < rounds; round++) {
      const active = members.filter((m) => round - m.depth >= 0 && round - m.depth < steps.length);
      setPhase(record, 'deploying');
      run.persist();
      const soaks: { member: Member; soak: StepSoak; result?: SoakResult }[] = [];
      for (const member of active) {
        const index = round - member.depth;
        const weight = steps[index];
        const step = beginStep(member.record, index, weight, now());
        setPhase(member.record, 'deploying');
        if (!member.mayExist) {
          event(
            member,
            'deploy-canary',
            `Installing ${member.spec.canaryRelease} (${member.spec.version}) at ${weight}% of traffic`
          );
          member.mayExist = true;
          const installed = await installMember(member, weight).catch((error: unknown) => {
            // Nothing of this member was created: it has no canary to remove.
            if (error instanceof NothingDeployedError) {
              member.mayExist = false;
              member.record.stepRecords.pop();
              member.record.currentWeight = 0;
            }
            throw error;
          });
          if (!installed.acquired) {
            member.mayExist = false;
            member.record.stepRecords.pop();
            return await rollBackGroup(run, 'failed', `Refused: ${installed.reason}`, member);
          }
          await member.ports.router.prepare(weight);
        } else {
          event(member, 'set-weight', `Shifting ${weight}% of traffic to ${member.spec.canaryRelease}`);
          await member.ports.router.setWeight(weight);
        }
        await member.lease.refresh(marks(member, 'soaking')).catch((error: unknown) => {
          log.warning(`Could not update the marks on ${member.lease.where}: ${errorMessage(error)}`);
        });
        throwIfInterrupted(signal);
        setPhase(member.record, 'soaking');
        soaks.push({ member, soak: new StepSoak(soakContext(member), step, index, weight) });
      }
      setPhase(record, 'soaking');
      run.persist();
      reports.update(record);

      // Every active member is sampled at every tick, on one clock, until each step has a result. A
      // member whose step passed is still watched while it waits for the others: the judge's
      // evidence against it still rolls the group back (its other verdicts no longer change its step).
      while (soaks.some((s) => !s.result)) {
        await clock.sleep(shared.intervalSeconds * 1000, signal);
        throwIfInterrupted(signal);
        for (const entry of soaks) {
          const result = await entry.soak.tick();
          if (!result || (entry.result && result.kind !== 'rollback')) continue;
          const step = entry.member.record.stepRecords.at(-1)!;
          if (result.kind === 'rollback' || result.kind === 'fail') {
            endStep(step, result.kind === 'rollback' ? 'rolled-back' : 'failed', now(), result.reason);
            stopOthers(soaks, entry.member);
            return await rollBackGroup(
              run,
              result.kind === 'rollback' ? 'rolled-back' : 'failed',
              result.reason,
              entry.member
            );
          }
          entry.result = result;
          endStep(step, 'passed', now());
          event(
            entry.member,
            'step-passed',
            `${entry.member.spec.release}: step ${step.index + 1} of ${steps.length} passed at ${step.weight}%`
          );
        }
      }
      event(undefined, 'round-passed', `Round ${round + 1} of ${rounds} passed`);
      const warning = soaks
        .map((s) => (s.result?.kind === 'pass' ? s.result.warning : undefined))
        .find(Boolean);
      const gate = manualGate(round, warning);
      if (gate) {
        for (const { member } of soaks) {
          const step = member.record.stepRecords.at(-1)!;
          step.outcome = 'paused';
          step.reason = gate;
        }
        return await pauseGroup(run, gate, (member) => marks(member, 'paused'));
      }
    }
    const took = formatDuration((clock.now() - Date.parse(record.startedAt)) / 1000);
    return await promoteGroup(
      run,
      `All ${rounds - startRound} round${rounds - startRound === 1 ? '' : 's'} passed in ${took}.`
    );
  } catch (error) {
    if (error instanceof Interrupted) return interrupted(error.message);
    const reason = `The group failed: ${errorMessage(error)}`;
    for (const member of members) {
      const running = member.record.stepRecords.at(-1);
      if (running?.outcome === 'running') endStep(running, 'failed', now(), reason);
      if (
        error instanceof NothingDeployedError &&
        running?.outcome === 'failed' &&
        member.record.stepRecords.length === 1
      ) {
        member.mayExist = false;
      }
    }
    if (!members.some((m) => m.mayExist)) return stopGroup(run, 'failed', `${reason}. Nothing was deployed`);
    return rollBackGroup(run, 'failed', reason);
  }

  function soakContext(member: Member) {
    return {
      spec: member.spec,
      judge: member.ports.judge,
      sampler: member.ports.sampler,
      clock,
      log,
      signal,
      record: member.record,
      stableData: member.stableData,
      rolloutStart: Date.parse(record.startedAt),
      onTick: () => {
        run.persist();
        reports.update(record);
      }
    };
  }

  /** Creates the member's canary under the lease it holds; a router with its own object weights it in prepare(). */
  function installMember(member: Member, weight: number) {
    return member.lease.install(member.ports.router.carriesMarks ? weight : 0);
  }

  /** Why to stop after a passed round, or undefined to go on (the single engine's gate, per round). */
  function manualGate(round: number, warning: string | undefined): string | undefined {
    if (round >= rounds - 1) return undefined;
    const hint = `Run this action again with the same \`group\` file and versions to continue to round ${round + 2} of ${rounds}, or command: rollback per release.`;
    if (shared.decision === 'hybrid' && warning) {
      return `Paused after round ${round + 1} of ${rounds} for a person because the judge raised a warning: ${warning} ${hint}`;
    }
    if (shared.decision !== 'manual') return undefined;
    if (shared.manualGate === 'before-final' && round !== rounds - 2) return undefined;
    return `Paused for approval after round ${round + 1} of ${rounds} passed. ${hint}`;
  }

  /** The other members' running steps end with the group's rollback. */
  function stopOthers(soaks: { member: Member; result?: SoakResult }[], culprit: Member): void {
    for (const { member, result } of soaks) {
      if (member === culprit || result) continue;
      const step = member.record.stepRecords.at(-1);
      if (step?.outcome === 'running')
        endStep(step, 'cancelled', now(), `${culprit.spec.release} failed its step`);
    }
  }

  async function interrupted(why: string): Promise<RolloutRecord> {
    // The runner kills us ~10 s after SIGINT; the post step removes every member's canary.
    for (const member of members) {
      const running = member.record.stepRecords.at(-1);
      if (running?.outcome === 'running') endStep(running, 'cancelled', now(), why);
      if (member.mayExist) setPhase(member.record, 'interrupted');
    }
    setPhase(record, 'interrupted');
    event(undefined, 'signal', `${why}: stopped sampling; the post step removes every canary of the group`);
    record.decision = 'cancelled';
    record.reason = `${why}; every canary of the group is handed to the post step for removal.`;
    record.finalWeight = Math.max(0, ...members.map((m) => m.record.currentWeight));
    run.persist();
    await reports.drain(2_000);
    return record;
  }
}
