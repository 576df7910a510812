// The Lease that carries the ownership marks, through the kubectl adapter with a recording runner:
// the object it sends, the argv (stdin, never a shell string), and how kubectl's answers map to the
// port's results. __tests__/kube-real runs the same against a real API server.
import type { CommandRunner } from '../../src/deploy/command-runner.js';
import { KubectlObjects } from '../../src/kube/kubectl.js';
import { LeaseMarksStore } from '../../src/kube/lease-marks.js';
import { MarksConflictError } from '../../src/rollout/marks-store.js';

type Answer = { exitCode?: number; stdout?: string; stderr?: string };

function recording(answer: (args: string[]) => Answer) {
  const calls: Array<{ args: string[]; input?: string }> = [];
  const run: CommandRunner = async (_file, args, options) => {
    calls.push({ args, input: options?.input });
    return { exitCode: 0, stdout: '', stderr: '', ...answer(args) };
  };
  return { run, calls };
}

const now = Date.UTC(2026, 10, 21, 12, 0, 0);
const marks = {
  holder: '42',
  stableRelease: 'storefront',
  phase: 'soaking',
  leaseUntil: '2026-11-21T12:10:00.000Z'
};
const leaseJson = (rv: string) =>
  JSON.stringify({
    metadata: {
      uid: 'u-1',
      resourceVersion: rv,
      annotations: { 'canary-action/holder': '42', 'canary-action/phase': 'soaking', 'other/x': 'y' }
    }
  });

describe('LeaseMarksStore over kubectl', () => {
  it('creates the Lease create-only from stdin, with the marks as annotations and the holder in its spec', async () => {
    const fake = recording(() => ({ stdout: leaseJson('7') }));
    const store = new LeaseMarksStore(new KubectlObjects(fake.run), 'shop', 'storefront-canary', () => now);
    const created = await store.create(marks);
    expect(created).toEqual({ marks: { holder: '42', phase: 'soaking' }, uid: 'u-1', resourceVersion: '7' });
    expect(fake.calls[0].args).toEqual([
      'create',
      '--namespace',
      'shop',
      '-f',
      '-',
      '-o',
      'json',
      '--request-timeout=30s'
    ]);
    expect(JSON.parse(fake.calls[0].input!)).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: 'storefront-canary.canary-action',
        namespace: 'shop',
        labels: {
          'app.kubernetes.io/managed-by': 'canary-action',
          'canary-action/canary-release': 'storefront-canary'
        },
        annotations: {
          'canary-action/holder': '42',
          'canary-action/stableRelease': 'storefront',
          'canary-action/phase': 'soaking',
          'canary-action/leaseUntil': '2026-11-21T12:10:00.000Z'
        }
      },
      spec: { renewTime: '2026-11-21T12:00:00.000000Z', holderIdentity: '42', leaseDurationSeconds: 600 }
    });
  });

  it('a Lease that exists already is "someone else was first", not an error', async () => {
    const fake = recording(() => ({
      exitCode: 1,
      stderr:
        'Error from server (AlreadyExists): error when creating "STDIN": leases.coordination.k8s.io "storefront-canary.canary-action" already exists'
    }));
    const store = new LeaseMarksStore(new KubectlObjects(fake.run), 'shop', 'storefront-canary');
    expect(await store.create(marks)).toBeUndefined();
  });

  it('updates with the resourceVersion it read; the server`s Conflict is a MarksConflictError', async () => {
    const fake = recording(() => ({
      exitCode: 1,
      stderr:
        'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on leases.coordination.k8s.io "storefront-canary.canary-action": the object has been modified; please apply your changes to the latest version and try again'
    }));
    const store = new LeaseMarksStore(new KubectlObjects(fake.run), 'shop', 'storefront-canary');
    await expect(store.update(marks, { marks: {}, uid: 'u-1', resourceVersion: '7' })).rejects.toBeInstanceOf(
      MarksConflictError
    );
    expect(fake.calls[0].args.slice(0, 5)).toEqual(['replace', '--namespace', 'shop', '-f', '-']);
    expect(JSON.parse(fake.calls[0].input!).metadata).toMatchObject({ uid: 'u-1', resourceVersion: '7' });
  });

  it('deletes with uid and resourceVersion preconditions; gone already is fine; another failure names kubectl', async () => {
    const answers: Answer[] = [
      {},
      { exitCode: 1, stderr: 'Error from server (NotFound): leases.coordination.k8s.io "x" not found' },
      { exitCode: 1, stderr: 'Error from server (Forbidden): leases.coordination.k8s.io is forbidden' }
    ];
    const fake = recording(() => answers.shift()!);
    const store = new LeaseMarksStore(new KubectlObjects(fake.run), 'shop', 'storefront-canary');
    const current = { marks: {}, uid: 'u-1', resourceVersion: '9' };
    await store.remove(current);
    expect(fake.calls[0].args).toEqual([
      'delete',
      '--raw',
      '/apis/coordination.k8s.io/v1/namespaces/shop/leases/storefront-canary.canary-action',
      '-f',
      '-',
      '--request-timeout=30s'
    ]);
    expect(JSON.parse(fake.calls[0].input!)).toEqual({
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      preconditions: { uid: 'u-1', resourceVersion: '9' }
    });
    await store.remove(current);
    await expect(store.remove(current)).rejects.toThrow(/kubectl delete --raw .* exit code 1: .*forbidden/);
  });

  it('refuses a mark key that is not a valid annotation name, before any call', async () => {
    const fake = recording(() => ({}));
    const store = new LeaseMarksStore(new KubectlObjects(fake.run), 'shop', 'storefront-canary');
    await expect(store.create({ 'bad key': 'x' })).rejects.toThrow(
      /canary mark "bad key" is not a valid annotation name/
    );
    expect(fake.calls).toEqual([]);
  });
});
