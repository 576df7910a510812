// End to end, issue 7: what release engineers do to a canary from their workflows, through the
// committed bundle (dist/index.js, and dist/post/index.js as the runner's post step) in the sandbox:
//   cancel    SIGINT during step 2 (the runner's cancel), then the post step with the saved state
//   manual    decision: manual pauses at the first weight, a second run promotes, a third asks for status
//   resume    kill -9 mid-soak (no post step), then a re-run of the same workflow run deploys again
//   conflict  a deploy of v3 while a v2 canary is driven by another run is refused and changes nothing
// The facts are read from each scenario's details.json: Helm's release Secrets, read by the demo through
// the Kubernetes API, the fake check-run API, the runs' outputs and saved state. Durations are reported,
// not asserted.
import {
  DEMO_LOCK_WAIT_MS,
  FIGURE_FIELDS,
  cleanUp,
  runDemo,
  type DemoRun,
  type Figures
} from './run-demo.js';

const SCENARIOS = ['cancel', 'manual', 'resume', 'conflict'] as const;
const EXPECTED: Record<(typeof SCENARIOS)[number], string[]> = {
  cancel: ['cancelled'],
  manual: ['promoted'],
  resume: ['promoted', 'rolled-back'],
  conflict: ['refused']
};

interface Run {
  label: string;
  entry: string;
  runId: string;
  exitCode: number | null;
  signal: string | null;
  outputs: Record<string, string>;
  savedState: Record<string, string>;
  checkRunId: number | null;
  checkRunConclusion: string | null;
}
interface Revision {
  revision: number;
  status: string;
  version: string | null;
}
interface Details {
  runs: Run[];
  problems: string[];
  stableRevisionsBefore: Revision[];
  stableRevisionsAfter: Revision[];
  checkRunRequests: Array<{ method: string; path: string; body?: { conclusion?: string } }>;
  cancel?: {
    weightAtSignal: number | null;
    mainDecision: string | null;
    savedPhase: string | null;
    canaryRemoved: boolean;
    stableUnchanged: boolean;
    checkRunConclusion: string | null;
  };
  manual?: {
    pausedDecision: string | null;
    pausedWeight: number | null;
    pausedMarks: Record<string, string> | null;
    pausedConclusion: string | null;
    promoteDecision: string | null;
    promoteConclusion: string | null;
    stableVersionAfter: string | null;
    canaryRemoved: boolean;
    statusOutput: string | null;
  };
  resume?: {
    killSignal: string | null;
    canaryAfterKill: { weight: number; revision: number; marks: Record<string, string> } | null;
    decision: string | null;
    resumeLine: string | null;
    firstOpOfRerun: { op: string; weight: number; revision: number } | null;
    installedAgain: boolean;
    canaryRemoved: boolean;
  };
  conflict?: {
    decision: string | null;
    exit: number | null;
    conclusion: string | null;
    canaryBefore: { revision: number; version: string } | null;
    canaryUnchanged: boolean;
    stableUnchanged: boolean;
    cleanup: { canaryRemoved: boolean };
  };
}

let demo: DemoRun | undefined;
let results: Figures[] = [];
const figures = (name: string): Figures => {
  const r = results.find((x) => x.scenario === name);
  if (!r) throw new Error(`no JSON object for ${name}; demo log: ${demo?.log.slice(-3000)}`);
  return r;
};
const details = (name: string): Details => demo!.details<Details>(name);

beforeAll(
  async () => {
    demo = await runDemo(SCENARIOS, { killAfterMs: 6 * 60 * 1000 });
    results = demo.results;
  },
  7 * 60 * 1000 + DEMO_LOCK_WAIT_MS
);

afterAll(() => cleanUp(demo));

describe('workflow scenarios through the action bundle in the sandbox', () => {
  it('prints one JSON object per scenario with exactly the documented fields', () => {
    expect(results.map((r) => r.scenario)).toEqual([...SCENARIOS]);
    for (const r of results) expect(Object.keys(r).sort()).toEqual([...FIGURE_FIELDS].sort());
  });

  it.each(SCENARIOS)('%s: reaches its decision with no request failed by routing', (name) => {
    const r = figures(name);
    expect(EXPECTED[name]).toContain(r.decision);
    expect(r.requestsFailedByRouting).toBe(0);
    expect(r.requestsTotal).toBeGreaterThan(0);
  });

  it('cancel: SIGINT during step 2, then the post step removes the canary, leaves stable alone and cancels the check run', () => {
    const d = details('cancel');
    const [main, post] = d.runs;
    expect(figures('cancel').decision).toBe('cancelled');
    expect(d.cancel!.weightAtSignal).toBe(50); // step 2 of 10,50,100
    // The main step stopped and handed over a phase the post step must clean up.
    expect(main.entry).toBe('dist/index.js');
    expect(d.cancel!.mainDecision).toBe('cancelled');
    expect(['', 'validating', 'done', 'paused']).not.toContain(d.cancel!.savedPhase);
    // The post step ran with that saved state, in the same workflow run.
    expect(post.entry).toBe('dist/post/index.js');
    expect(post.runId).toBe(main.runId);
    expect(post.exitCode).toBe(0);
    expect(d.cancel!.canaryRemoved).toBe(true);
    expect(d.cancel!.stableUnchanged).toBe(true);
    expect(d.stableRevisionsAfter).toEqual(d.stableRevisionsBefore);
    // The fake check-run API got conclusion `cancelled` for the main step's check run.
    expect(d.cancel!.checkRunConclusion).toBe('cancelled');
    expect(
      d.checkRunRequests
        .filter((q) => q.method === 'PATCH' && q.path.endsWith(`/check-runs/${main.checkRunId}`))
        .at(-1)?.body?.conclusion
    ).toBe('cancelled');
  });

  it('manual: run 1 pauses at the first weight, run 2 (another run id) promotes, run 3 reports status none', () => {
    const d = details('manual');
    const [paused, promote, status] = d.runs;
    expect(d.manual!.pausedDecision).toBe('paused');
    expect(d.manual!.pausedWeight).toBe(25); // the first weight of 25,100
    expect(d.manual!.pausedMarks?.phase).toBe('paused');
    expect(d.manual!.pausedConclusion).toBe('action_required');
    expect(paused.checkRunConclusion).toBe('action_required');

    expect(promote.runId).not.toBe(paused.runId);
    expect(promote.outputs.decision).toBe('promoted');
    expect(promote.checkRunConclusion).toBe('success');
    expect(d.manual!.stableVersionAfter).toBe('2.4.0');
    expect(d.manual!.canaryRemoved).toBe(true);
    expect(figures('manual').decision).toBe('promoted');

    expect(status.runId).not.toBe(promote.runId);
    expect(status.outputs.status).toBe('none');
    expect(d.manual!.statusOutput).toBe('none');
  });

  it("resume: after kill -9 mid-soak and no post step, a re-run of the same run deploys again from the canary's weight", () => {
    const d = details('resume');
    const [killed, rerun] = d.runs;
    expect(d.runs).toHaveLength(2); // no post step
    expect(killed.signal).toBe('SIGKILL');
    expect(d.resume!.canaryAfterKill).toMatchObject({
      weight: 50,
      marks: { phase: 'soaking', holder: killed.runId }
    });
    // Same GITHUB_RUN_ID: the lock's holder, so the re-run may take over.
    expect(rerun.runId).toBe(killed.runId);
    expect(d.resume!.resumeLine).toBe('continuing at step 2 (50%)');
    expect(d.resume!.installedAgain).toBe(false);
    // ingress-nginx moves the weight with a patch of the canary's Ingress: no Helm write to the canary.
    expect(d.resume!.firstOpOfRerun).toBeNull();
    expect(['promoted', 'rolled-back']).toContain(rerun.outputs.decision);
    expect(d.resume!.canaryRemoved).toBe(true);
  });

  it('conflict: a deploy of v3 by another run while v2 is driven is refused and changes nothing', () => {
    const d = details('conflict');
    const [driving, refused] = d.runs;
    expect(refused.runId).not.toBe(driving.runId);
    expect(d.conflict!.decision).toBe('refused');
    expect(d.conflict!.exit).toBe(1);
    expect(d.conflict!.conclusion).toBe('failure');
    expect(d.conflict!.canaryBefore).toMatchObject({ version: '2.6.0' });
    // Canary release: same revision and same values; stable: same revisions.
    expect(d.conflict!.canaryUnchanged).toBe(true);
    expect(d.conflict!.stableUnchanged).toBe(true);
    expect(d.conflict!.cleanup.canaryRemoved).toBe(true);
  });

  it.each(SCENARIOS)('%s: the demo found no problem', (name) => {
    expect(details(name).problems).toEqual([]);
  });

  it('the demo exited 0', () => {
    const { exitCode, log } = demo!;
    expect({ exitCode, tail: exitCode === 0 ? '' : log.slice(-3000) }).toEqual({ exitCode: 0, tail: '' });
  });
});
