// End to end, issue 13: cluster-by-cluster waves. Two sandbox clusters (contexts a and b of one
// kubeconfig) started for this suite; the demo runs .github/workflows/waves.yml with its local runner
// (sandbox/demo/workflow-runner.ts), the committed bundle in each wave. Every figure below is read back
// from the clusters by the demo (Helm's release Secrets, each API server's audit log), and this suite
// reads each cluster's stable release again itself, with the real Helm and --kube-context.
import { spawnSync } from 'node:child_process';
import { helmBinaryPath } from '../../scripts/helm-paths.mjs';
import type { LaunchedClusterSet } from '../../sandbox/control-plane/cluster-set.js';
import { removeClusterState } from './global-teardown.mjs';
import {
  DEMO_LOCK_WAIT_MS,
  FIGURE_FIELDS,
  E2E_SET_STATE_DIR,
  cleanUp,
  runDemoOnClusterSet,
  type DemoRun,
  type Figures
} from './run-demo.js';

const SCENARIOS = ['waves', 'waves-halt'] as const;

interface ReleaseLine {
  cluster: string;
  release: string;
  decision: string | null;
  finalWeight: number | null;
  writesToCluster: number;
  jobResult: string;
}
type Outcome = Figures & {
  releases: ReleaseLine[];
  workflow: { conclusion: string; jobs: Array<{ job: string; name: string; result: string }> };
};
interface Details {
  releases: Array<
    ReleaseLine & {
      stableRevisionBefore: number;
      stableRevisionAfter: number;
      stableVersionAfter: string;
      previousRevision: string | null;
      actionStartedAt: string | null;
      actionEndedAt: string | null;
      jobEndedAt: string | null;
      writes: string[];
    }
  >;
}

let demo: DemoRun | undefined;
let set: LaunchedClusterSet | undefined;
const results = new Map<string, Outcome>();
/** `helm history storefront` per context after both scenarios, read by this suite. */
const history: Record<
  string,
  Array<{ revision: number; status: string; app_version: string; description: string }>
> = {};

beforeAll(
  async () => {
    const run = await runDemoOnClusterSet(SCENARIOS, { killAfterMs: 20 * 60 * 1000 });
    demo = run;
    set = run.set;
    for (const r of run.results) results.set(r.scenario, r as Outcome);
    for (const context of ['a', 'b']) {
      const helm = spawnSync(
        helmBinaryPath(4),
        ['history', 'storefront', '--namespace', 'default', '--kube-context', context, '-o', 'json'],
        { env: { ...process.env, KUBECONFIG: run.set.kubeconfig }, encoding: 'utf8' }
      );
      history[context] = helm.status === 0 ? JSON.parse(helm.stdout) : [];
    }
  },
  21 * 60 * 1000 + DEMO_LOCK_WAIT_MS
);

afterAll(async () => {
  await set?.stop();
  removeClusterState(E2E_SET_STATE_DIR);
  cleanUp(demo);
});

describe('cluster waves in two sandbox clusters', () => {
  it('prints one JSON object per scenario with the common fields, releases and the workflow', () => {
    expect([...results.keys()]).toEqual([...SCENARIOS]);
    for (const r of results.values()) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining([...FIGURE_FIELDS, 'releases', 'workflow']));
      expect(r.releases.map((l) => l.cluster)).toEqual(['a', 'b']);
    }
  });

  it('waves: promoted in cluster a, then in cluster b, each at 100% and read back from its cluster', () => {
    const r = results.get('waves')!;
    expect(r.decision).toBe('promoted');
    expect(r.workflow.conclusion).toBe('success');
    expect(
      r.releases.map(({ cluster, decision, finalWeight }) => ({ cluster, decision, finalWeight }))
    ).toEqual([
      { cluster: 'a', decision: 'promoted', finalWeight: 100 },
      { cluster: 'b', decision: 'promoted', finalWeight: 100 }
    ]);
    const [a, b] = demo!.details<Details>('waves').releases;
    for (const line of [a, b]) {
      expect(line.stableVersionAfter).toBe('2.20.0');
      expect(line.stableRevisionAfter).toBe(line.stableRevisionBefore + 1);
      expect(line.previousRevision).toBe(String(line.stableRevisionBefore));
      expect(line.writesToCluster).toBeGreaterThan(0);
    }
    // Wave 2 began only after wave 1's job, bake included, had ended.
    expect(Date.parse(b.actionStartedAt!)).toBeGreaterThanOrEqual(Date.parse(a.jobEndedAt!));
    expect(Date.parse(b.actionStartedAt!) - Date.parse(a.actionEndedAt!)).toBeGreaterThanOrEqual(10_000);
  });

  it('waves-halt: rolled back in cluster a; wave 2 skipped and not one write of the action in cluster b', () => {
    const r = results.get('waves-halt')!;
    expect(r.decision).toBe('rolled-back');
    expect(r.workflow.conclusion).toBe('failure');
    expect(r.workflow.jobs.find((j) => j.job === 'wave-2')?.result).toBe('skipped');
    const [a, b] = r.releases;
    expect(a).toMatchObject({ cluster: 'a', decision: 'rolled-back', finalWeight: 0 });
    expect(a.writesToCluster).toBeGreaterThan(0);
    expect(b).toMatchObject({ cluster: 'b', decision: null, jobResult: 'skipped', writesToCluster: 0 });
    const details = demo!.details<Details>('waves-halt').releases;
    for (const line of details) expect(line.stableRevisionAfter).toBe(line.stableRevisionBefore);
  });

  it('each cluster shows, through its own context, stable promoted once (waves) and never by waves-halt', () => {
    for (const context of ['a', 'b']) {
      const revisions = history[context];
      expect(revisions.map((h) => h.status)).toEqual(['superseded', 'deployed']);
      expect(revisions.at(-1)!.description).toContain('promoted 2.20.0');
    }
  });

  it('the demo exited 0 (every outcome as expected)', () => {
    const { exitCode, log } = demo!;
    expect({ exitCode, tail: exitCode === 0 ? '' : log.slice(-3000) }).toEqual({ exitCode: 0, tail: '' });
  });
});
