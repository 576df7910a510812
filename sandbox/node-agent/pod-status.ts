// A pod's status as the kubelet reports it, from what its containers are doing: phase, conditions,
// addresses and container statuses. Pure; times are RFC 3339 strings as the API takes them.
import type { V1Pod } from '@kubernetes/client-node';
import type { ContainerState } from './container.js';

export interface ContainerView {
  name: string;
  image: string;
  state: ContainerState;
  lastTerminated?: Extract<ContainerState, { kind: 'terminated' }>;
  ready: boolean;
  started: boolean;
  restartCount: number;
  pid?: number;
}

export interface PodFacts {
  podIP?: string;
  hostIP: string;
  startTime: Date;
  /** The pod network exists, so containers can start. */
  sandboxReady: boolean;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  now: Date;
}

type Json = Record<string, unknown>;

export function apiTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function stateJson(state: ContainerState): Json {
  switch (state.kind) {
    case 'waiting':
      return { waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) } };
    case 'running':
      return { running: { startedAt: apiTime(state.startedAt) } };
    case 'terminated':
      return {
        terminated: {
          exitCode: state.exitCode,
          ...(state.signal ? { signal: SIGNALS[state.signal] ?? 0 } : {}),
          reason: state.reason,
          ...(state.message ? { message: state.message } : {}),
          startedAt: apiTime(state.startedAt),
          finishedAt: apiTime(state.finishedAt)
        }
      };
  }
}

const SIGNALS: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGSEGV: 11, SIGABRT: 6 };

/** The kubelet's phase rule (getPhase): Pending until every container ran once, then Running, Succeeded or Failed. */
export function podPhase(containers: ContainerView[], restartPolicy: PodFacts['restartPolicy']): string {
  const neverRan = containers.filter((c) => c.state.kind === 'waiting' && !c.lastTerminated).length;
  const running = containers.filter((c) => c.state.kind === 'running').length;
  if (containers.length === 0 || neverRan > 0) return 'Pending';
  if (running > 0) return 'Running';
  const terminated = containers.filter((c) => c.state.kind === 'terminated');
  if (terminated.length < containers.length || restartPolicy === 'Always') return 'Running';
  return terminated.every((c) => c.state.kind === 'terminated' && c.state.exitCode === 0)
    ? 'Succeeded'
    : 'Failed';
}

function containerStatusJson(view: ContainerView): Json {
  return {
    name: view.name,
    image: view.image,
    imageID: `sandbox-image://${view.image}`,
    ...(view.pid ? { containerID: `sandbox://${view.pid}` } : {}),
    ready: view.ready,
    started: view.started,
    restartCount: view.restartCount,
    state: stateJson(view.state),
    lastState: view.lastTerminated ? stateJson(view.lastTerminated) : {}
  };
}

/** The status to write: conditions keep their lastTransitionTime while their value stays the same. */
export function podStatus(
  pod: V1Pod,
  containers: ContainerView[],
  initContainers: ContainerView[],
  facts: PodFacts
): Json {
  const previous = new Map((pod.status?.conditions ?? []).map((c) => [c.type, c]));
  const condition = (type: string, value: boolean, reason?: string) => {
    const status = value ? 'True' : 'False';
    const before = previous.get(type);
    const since =
      before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : facts.now;
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: typeof since === 'string' ? since : apiTime(new Date(since)),
      ...(reason && !value ? { reason } : {})
    };
  };
  const containersReady = containers.length > 0 && containers.every((c) => c.ready);
  const gates = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType);
  const gatesPass = gates.every((gate) => previous.get(gate)?.status === 'True');
  const phase = podPhase(containers, facts.restartPolicy);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const kept = [...previous.values()].filter((c) => gates.includes(c.type));
  return {
    phase,
    conditions: [
      condition('PodReadyToStartContainers', facts.sandboxReady),
      condition('Initialized', true),
      condition(
        'Ready',
        containersReady && gatesPass && !terminal,
        containersReady ? 'ReadinessGatesNotReady' : 'ContainersNotReady'
      ),
      condition('ContainersReady', containersReady && !terminal, 'ContainersNotReady'),
      condition('PodScheduled', true),
      ...kept
    ],
    hostIP: facts.hostIP,
    hostIPs: [{ ip: facts.hostIP }],
    ...(facts.podIP ? { podIP: facts.podIP, podIPs: [{ ip: facts.podIP }] } : {}),
    startTime: apiTime(facts.startTime),
    ...(initContainers.length > 0 ? { initContainerStatuses: initContainers.map(containerStatusJson) } : {}),
    containerStatuses: containers.map(containerStatusJson)
  };
}
