// Events about pods, as the kubelet records them (Started, Killing, Unhealthy, BackOff, Failed), so
// `kubectl describe pod` and `kubectl get events` tell what happened. Best effort: a failed write is
// logged and never stops the pod.
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClients } from './kube.js';
import { apiTime } from './pod-status.js';

export type EventType = 'Normal' | 'Warning';

export type RecordEvent = (pod: V1Pod, type: EventType, reason: string, message: string) => void;

export function eventRecorder(
  clients: KubeClients,
  nodeName: string,
  log: (message: string) => void
): RecordEvent {
  let sequence = 0;
  return (pod, type, reason, message) => {
    const namespace = pod.metadata?.namespace ?? 'default';
    const now = apiTime(new Date());
    sequence++;
    const body = {
      metadata: {
        name: `${pod.metadata?.name}.${Date.now().toString(16)}${sequence.toString(16)}`,
        namespace
      },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace,
        name: pod.metadata?.name,
        uid: pod.metadata?.uid
      },
      type,
      reason,
      message,
      source: { component: 'kubelet', host: nodeName },
      reportingComponent: 'kubelet',
      reportingInstance: nodeName,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1
    };
    clients.core
      .createNamespacedEvent({ namespace, body: body as never })
      .catch((error) =>
        log(
          `event ${reason} for ${namespace}/${pod.metadata?.name} not recorded: ${(error as Error).message}`
        )
      );
  };
}
