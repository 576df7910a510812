// End to end, issue 12: the committed bundle on the sandbox, with an error metric whose status-code
// label the series do not carry. The preflight stops the run before anything changes: decision
// `failed` with the named error, no canary release, and not one write request by the action's own
// identity in the API server's audit log (counted by the demo, sandbox/demo/audit-writes.ts).
import {
  DEMO_LOCK_WAIT_MS,
  FIGURE_FIELDS,
  cleanUp,
  runDemo,
  type DemoRun,
  type Figures
} from './run-demo.js';

type Outcome = Figures & { namedError?: string | null; canaryInstalled?: boolean };

let demo: DemoRun | undefined;
let misconfigured: Outcome | undefined;

beforeAll(
  async () => {
    demo = await runDemo(['misconfigured'], { killAfterMs: 5 * 60 * 1000 });
    misconfigured = demo.results.find((r) => r.scenario === 'misconfigured') as Outcome | undefined;
  },
  6 * 60 * 1000 + DEMO_LOCK_WAIT_MS
);

afterAll(() => cleanUp(demo));

describe('preflight in the sandbox: misconfigured', () => {
  it('prints the common fields, writesToCluster among them', () => {
    expect(Object.keys(misconfigured ?? {})).toEqual(expect.arrayContaining(FIGURE_FIELDS));
  });

  it('fails with the named error status-label-missing, before any write', () => {
    expect(misconfigured).toMatchObject({
      decision: 'failed',
      namedError: 'status-label-missing',
      canaryInstalled: false,
      writesToCluster: 0
    });
    const details = demo!.details<{ exitCode: number; outputs: Record<string, string>; problems: string[] }>(
      'misconfigured'
    );
    expect(details.problems).toEqual([]);
    expect(details.exitCode).not.toBe(0);
    expect(details.outputs.reason).toMatch(/carry no label `status`.*`names\.status-code-label`/);
  });
});
