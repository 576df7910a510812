// End to end, issue 10: the committed bundle on the sandbox cluster, on the faults where the action once
// reported a success that did not happen. Every figure below is read back from the cluster by the
// demo (sandbox/demo/outcome-scenarios.ts, Helm's release Secrets through the Kubernetes API), not taken
// from the action's word; removal-fails runs last with --keep, and this suite reads the canary Ingress it
// left behind itself, through the Kubernetes API.
import { spawnSync } from 'node:child_process';
import { helmBinaryPath } from '../../scripts/helm-paths.mjs';
import { ClusterReads, NAMESPACE } from './cluster-reads.js';
import {
  DEMO_LOCK_WAIT_MS,
  FIGURE_FIELDS,
  cleanUp,
  runDemo,
  type DemoRun,
  type Figures
} from './run-demo.js';

const SCENARIOS = [
  'concurrent',
  'stable-vanishes',
  'foreign-release',
  'cancel-promotion',
  'cancel-rollback',
  // Issue 12: no stable yet, so the chart is installed directly as stable (a few seconds).
  'first-release',
  // Last, with --keep: its canary stays in the cluster for this suite to read.
  'removal-fails'
] as const;
/**
 * Two deploys race for the canary this many times in a row. On the real cluster a round takes about 45 s
 * (two canaries, a promotion and a removal with --wait); the race itself is decided by the API server,
 * which refuses the second create of the release's first Secret.
 */
const ROUNDS = 5;

type Run = { label: string; version: string; decision: string; exitCode: number };
type Outcome = Figures & {
  runs?: Run[];
  stableVersion?: string;
  rounds?: Array<{ round: number; runs: Run[]; stableVersion: string }>;
  exitCode?: number;
  finalWeight?: number;
  canaryWeightAfter?: number;
  canaryPresentAfter?: boolean;
  foreignReleaseIntact?: boolean;
  savedPhase?: string;
  postDecision?: string;
  postReason?: string;
  checkRunConclusion?: string;
  stableStatus?: string;
  stableHelmStatus?: string;
  leasePresentAfter?: boolean;
  checkRunTitle?: string;
};

let demo: DemoRun | undefined;
const results = new Map<string, Outcome>();
/** The canary-weight annotation of the Ingress removal-fails left behind, read through the Kubernetes API. */
let ingressWeightLeft: number | undefined;

beforeAll(
  async () => {
    const run = await runDemo(SCENARIOS, {
      killAfterMs: 25 * 60 * 1000,
      extraArgs: ['--rounds', String(ROUNDS), '--keep'],
      // With the demo lock still held, so no other suite's demo runs in the cluster meanwhile.
      afterEnd: async (cluster) => {
        ingressWeightLeft = await new ClusterReads(cluster).canaryIngressWeight('storefront-canary');
        // Leave the shared cluster as the next suite expects it: no canary, and no Lease of one.
        const env = { ...process.env, KUBECONFIG: cluster.kubeconfig };
        spawnSync(helmBinaryPath(4), ['uninstall', 'storefront-canary', '--namespace', NAMESPACE, '--wait'], {
          env
        });
        await new ClusterReads(cluster).deleteLease('storefront-canary.canary-action');
      }
    });
    demo = run;
    for (const r of run.results) results.set(r.scenario, r as Outcome);
  },
  26 * 60 * 1000 + DEMO_LOCK_WAIT_MS
);

afterAll(() => cleanUp(demo));

describe('truthful outcomes in the sandbox', () => {
  it('prints one JSON object per scenario with the common fields', () => {
    expect([...results.keys()]).toEqual([...SCENARIOS]);
    for (const r of results.values()) expect(Object.keys(r)).toEqual(expect.arrayContaining(FIGURE_FIELDS));
  });

  it(`concurrent: in each of ${ROUNDS} races exactly one run promotes, the other is refused, stable runs the winner`, () => {
    const r = results.get('concurrent')!;
    expect(r.decision).toBe('refused');
    expect(r.runs).toHaveLength(2);
    expect(r.rounds).toHaveLength(ROUNDS);
    for (const round of r.rounds!) {
      const decisions = round.runs.map((run) => run.decision).sort();
      expect({ round: round.round, decisions }).toEqual({
        round: round.round,
        decisions: ['promoted', 'refused']
      });
      const winner = round.runs.find((run) => run.decision === 'promoted')!;
      const loser = round.runs.find((run) => run.decision === 'refused')!;
      expect(round.stableVersion).toBe(winner.version);
      expect(winner.exitCode).toBe(0);
      expect(loser.exitCode).not.toBe(0);
    }
    expect(r.stableVersion).toBe(r.runs!.find((run) => run.decision === 'promoted')!.version);
  });

  it('stable-vanishes: a canary judged without stable data is never promoted', () => {
    expect(['failed', 'rolled-back']).toContain(results.get('stable-vanishes')!.decision);
  });

  it('removal-fails: promoted, exit 1, and final-weight is the weight the canary still holds', () => {
    const r = results.get('removal-fails')!;
    expect(r.decision).toBe('promoted');
    expect(r.exitCode).toBe(1);
    expect(r.canaryPresentAfter).toBe(true);
    expect(r.finalWeight).toBe(r.canaryWeightAfter);
    // The routing object itself carries the weight the action reported.
    expect(ingressWeightLeft).toBe(r.finalWeight);
  });

  it('foreign-release: refused, and the other release is unchanged', () => {
    const r = results.get('foreign-release')!;
    expect(r.decision).toBe('refused');
    expect(r.foreignReleaseIntact).toBe(true);
  });

  it('cancel-promotion: killed after stable took the new version, the post step finishes the promotion', () => {
    const r = results.get('cancel-promotion')!;
    expect(r.savedPhase).toBe('promoting');
    expect(r.postDecision).toBe('promoted');
    expect(r.postReason).toMatch(/storefront now runs 2\.9\.0 at 100% \(revision \d+, deployed\)/);
    expect(r.stableVersion).toBe('2.9.0');
    expect(r.canaryPresentAfter).toBe(false);
    expect(r.checkRunConclusion).toBe('success');
  });

  it("cancel-rollback: killed during the removal, the judge's verdict stands and the canary is removed", () => {
    const r = results.get('cancel-rollback')!;
    expect(r.savedPhase).toBe('rolling-back');
    expect(r.postDecision).toBe('rolled-back');
    expect(r.postReason).toMatch(/5xx|error/i);
    expect(r.canaryPresentAfter).toBe(false);
    expect(r.checkRunConclusion).toBe('failure');
  });

  it('first-release: installed as stable, deployed at the new version, no canary and no lease left', () => {
    const r = results.get('first-release')!;
    expect(r.decision).toBe('installed');
    expect(r.exitCode).toBe(0);
    expect(r.finalWeight).toBe(100);
    expect(r.stableStatus).toBe('deployed');
    expect(r.stableHelmStatus).toBe('deployed');
    expect(r.stableVersion).toBe('2.20.0');
    expect(r.canaryPresentAfter).toBe(false);
    expect(r.leasePresentAfter).toBe(false);
    expect(r.checkRunConclusion).toBe('success');
    expect(r.checkRunTitle).toMatch(
      /^Installed 2\.20\.0 as the first release of storefront-first .*not canaried/
    );
  });

  it('the demo exited 0 (every outcome as expected)', () => {
    const { exitCode, log } = demo!;
    expect({ exitCode, tail: exitCode === 0 ? '' : log.slice(-3000) }).toEqual({ exitCode: 0, tail: '' });
  });
});
