import type { V1Pod } from '@kubernetes/client-node';
import type { ContainerState } from '../../sandbox/node-agent/container.js';
import { podPhase, podStatus, type ContainerView } from '../../sandbox/node-agent/pod-status.js';

const t0 = new Date('2026-01-02T03:04:05.678Z');
const running: ContainerState = { kind: 'running', startedAt: t0 };
const crashed = { kind: 'terminated' as const, exitCode: 1, reason: 'Error', startedAt: t0, finishedAt: t0 };

function view(partial: Partial<ContainerView>): ContainerView {
  return {
    name: 'web',
    image: 'img:1',
    state: running,
    ready: false,
    started: true,
    restartCount: 0,
    ...partial
  };
}

describe('podPhase', () => {
  it('is Pending until every container has run once', () => {
    expect(podPhase([view({ state: { kind: 'waiting', reason: 'ContainerCreating' } })], 'Always')).toBe(
      'Pending'
    );
    expect(
      podPhase(
        [view({}), view({ name: 'b', state: { kind: 'waiting', reason: 'ContainerCreating' } })],
        'Always'
      )
    ).toBe('Pending');
  });

  it('stays Running through CrashLoopBackOff', () => {
    expect(
      podPhase(
        [
          view({
            state: { kind: 'waiting', reason: 'CrashLoopBackOff' },
            lastTerminated: crashed,
            restartCount: 2
          })
        ],
        'Always'
      )
    ).toBe('Running');
  });

  it('ends Succeeded or Failed when nothing will restart', () => {
    expect(podPhase([view({ state: { ...crashed, exitCode: 0, reason: 'Completed' } })], 'Never')).toBe(
      'Succeeded'
    );
    expect(podPhase([view({ state: crashed })], 'Never')).toBe('Failed');
  });
});

describe('podStatus', () => {
  const pod: V1Pod = {
    metadata: { name: 'p', namespace: 'n' },
    spec: { containers: [{ name: 'web' }], readinessGates: [{ conditionType: 'example.com/gate' }] },
    status: {
      conditions: [
        { type: 'ContainersReady', status: 'True', lastTransitionTime: new Date('2026-01-01T00:00:00Z') },
        { type: 'example.com/gate', status: 'False' }
      ]
    }
  };
  const facts = {
    podIP: '10.244.0.7',
    hostIP: '10.244.0.1',
    startTime: t0,
    sandboxReady: true,
    restartPolicy: 'Always' as const,
    now: t0
  };

  it('reports addresses, times without milliseconds, and a container status the API accepts', () => {
    const status = podStatus(
      pod,
      [view({ ready: true, pid: 42, restartCount: 1, lastTerminated: crashed })],
      [],
      facts
    );
    expect(status).toMatchObject({
      phase: 'Running',
      podIP: '10.244.0.7',
      podIPs: [{ ip: '10.244.0.7' }],
      hostIP: '10.244.0.1',
      startTime: '2026-01-02T03:04:05Z'
    });
    expect(status.containerStatuses).toEqual([
      {
        name: 'web',
        image: 'img:1',
        imageID: 'sandbox-image://img:1',
        containerID: 'sandbox://42',
        ready: true,
        started: true,
        restartCount: 1,
        state: { running: { startedAt: '2026-01-02T03:04:05Z' } },
        lastState: {
          terminated: {
            exitCode: 1,
            reason: 'Error',
            startedAt: '2026-01-02T03:04:05Z',
            finishedAt: '2026-01-02T03:04:05Z'
          }
        }
      }
    ]);
  });

  it('keeps a condition transition time while its value holds, and holds Ready back for a false readiness gate', () => {
    const status = podStatus(pod, [view({ ready: true })], [], facts);
    const conditions = status.conditions as { type: string; status: string; lastTransitionTime: string }[];
    const byType = Object.fromEntries(conditions.map((c) => [c.type, c]));
    expect(byType.ContainersReady).toMatchObject({
      status: 'True',
      lastTransitionTime: '2026-01-01T00:00:00Z'
    });
    expect(byType.Ready).toMatchObject({
      status: 'False',
      lastTransitionTime: '2026-01-02T03:04:05Z',
      reason: 'ReadinessGatesNotReady'
    });
    expect(byType['example.com/gate']).toMatchObject({ status: 'False' });
    expect(byType.PodScheduled.status).toBe('True');
  });

  it('is not Ready while a container is not ready', () => {
    const status = podStatus(
      { ...pod, spec: { containers: [] } },
      [view({ ready: true }), view({ name: 'b', ready: false })],
      [],
      facts
    );
    const ready = (status.conditions as { type: string; status: string }[]).find((c) => c.type === 'Ready');
    expect(ready?.status).toBe('False');
  });
});
