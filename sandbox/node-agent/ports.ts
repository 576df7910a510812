// Container ports by number or by name, as probes, preStop hooks and the stand-in server refer to them.
import type { V1Container, V1Probe } from '@kubernetes/client-node';

/** A probe's or hook's port (a number, a numeric string or a port name) as a number. */
export function resolveContainerPort(container: V1Container, port: number | string | undefined): number {
  if (typeof port === 'number') return port;
  if (typeof port === 'string' && /^\d+$/.test(port)) return Number(port);
  const named = container.ports?.find((p) => p.name === port);
  if (!named) {
    throw new Error(`container "${container.name}": no port named ${JSON.stringify(port)} among its ports`);
  }
  return named.containerPort;
}

function probePort(container: V1Container, probe: V1Probe | undefined): number | undefined {
  const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
  if (port === undefined) return undefined;
  try {
    return resolveContainerPort(container, port);
  } catch {
    return undefined; // the probe itself reports the bad port
  }
}

/** Every port a stand-in for this container must answer: declared ports, probe ports and $PORT. */
export function portsToServe(container: V1Container, env: Record<string, string>): number[] {
  const ports = new Set<number>();
  for (const p of container.ports ?? []) if ((p.protocol ?? 'TCP') === 'TCP') ports.add(p.containerPort);
  for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
    const port = probePort(container, probe);
    if (port !== undefined) ports.add(port);
  }
  if (/^\d+$/.test(env.PORT ?? '')) ports.add(Number(env.PORT));
  return [...ports].filter((p) => p > 0 && p < 65536).sort((a, b) => a - b);
}
