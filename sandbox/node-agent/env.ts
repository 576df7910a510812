// A container's environment as the kubelet builds it: envFrom first, then env (which wins), each
// value with $(VAR) references expanded against what came before; valueFrom reads the pod's fields,
// ConfigMaps and Secrets. A missing reference that is not optional is CreateContainerConfigError.
import type { V1Container, V1EnvVar, V1Pod } from '@kubernetes/client-node';

export class ContainerConfigError extends Error {}

export interface EnvLookups {
  /** A ConfigMap's data, or undefined when it does not exist. */
  configMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** A Secret's data decoded, or undefined when it does not exist. */
  secret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

export interface PodAddresses {
  podIP: string;
  hostIP: string;
}

/**
 * Expands $(NAME) from `env`; $$ is a literal $, and a reference to an undefined name stays as
 * written (Kubernetes' rules).
 */
export function expandReferences(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([^)]*)\)/g, (whole, name: string | undefined) => {
    if (whole === '$$') return '$';
    return name !== undefined && Object.hasOwn(env, name) ? env[name] : whole;
  });
}

/** Selects metadata.labels['app'] and the like. */
function mapEntry(
  fieldPath: string,
  prefix: string,
  map: Record<string, string> | undefined
): string | undefined {
  const key = fieldPath.slice(prefix.length).replace(/^\['(.*)'\]$/, '$1');
  return map?.[key] ?? '';
}

export function podFieldValue(pod: V1Pod, fieldPath: string, addresses: PodAddresses): string {
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP':
    case 'status.podIPs':
      return addresses.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return addresses.hostIP;
  }
  if (fieldPath.startsWith('metadata.labels['))
    return mapEntry(fieldPath, 'metadata.labels', pod.metadata?.labels) ?? '';
  if (fieldPath.startsWith('metadata.annotations[')) {
    return mapEntry(fieldPath, 'metadata.annotations', pod.metadata?.annotations) ?? '';
  }
  throw new ContainerConfigError(`fieldRef ${JSON.stringify(fieldPath)} is not supported`);
}

async function valueFrom(variable: V1EnvVar, pod: V1Pod, addresses: PodAddresses, lookups: EnvLookups) {
  const namespace = pod.metadata?.namespace ?? 'default';
  const from = variable.valueFrom!;
  if (from.fieldRef) return podFieldValue(pod, from.fieldRef.fieldPath, addresses);
  const ref = from.configMapKeyRef ?? from.secretKeyRef;
  if (ref) {
    const kind = from.configMapKeyRef ? 'ConfigMap' : 'Secret';
    const data = await (from.configMapKeyRef
      ? lookups.configMap(namespace, ref.name ?? '')
      : lookups.secret(namespace, ref.name ?? ''));
    const value = data?.[ref.key];
    if (value !== undefined) return value;
    if (ref.optional) return undefined;
    throw new ContainerConfigError(
      data === undefined
        ? `${kind.toLowerCase()} "${ref.name}" not found (env ${variable.name})`
        : `couldn't find key ${ref.key} in ${kind} ${namespace}/${ref.name} (env ${variable.name})`
    );
  }
  throw new ContainerConfigError(
    `env ${variable.name}: only fieldRef, configMapKeyRef and secretKeyRef are supported in valueFrom`
  );
}

export async function resolveEnv(
  container: V1Container,
  pod: V1Pod,
  addresses: PodAddresses,
  lookups: EnvLookups
): Promise<Record<string, string>> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    if (!ref) continue;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const data = await (source.configMapRef
      ? lookups.configMap(namespace, ref.name ?? '')
      : lookups.secret(namespace, ref.name ?? ''));
    if (data === undefined) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${kind.toLowerCase()} "${ref.name}" not found (envFrom)`);
    }
    for (const [key, value] of Object.entries(data)) {
      // The kubelet skips keys that cannot be variable names.
      if (key !== '' && !key.includes('=')) env[`${source.prefix ?? ''}${key}`] = value;
    }
  }
  for (const variable of container.env ?? []) {
    if (variable.valueFrom) {
      const value = await valueFrom(variable, pod, addresses, lookups);
      if (value !== undefined) env[variable.name] = value;
    } else {
      env[variable.name] = expandReferences(variable.value ?? '', env);
    }
  }
  return env;
}
