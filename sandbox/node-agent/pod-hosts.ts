// Name resolution in pods: a hosts file per pod network namespace, /etc/netns/NAME/hosts, which
// `ip netns exec` (how every container starts) mounts over /etc/hosts. It maps the cluster's routed
// host names (the hosts of Ingresses and HTTPRoutes) to this node's gateway proxy (gateway-proxy.ts),
// so a pod that calls http://catalogue.example.com goes through Traefik, the data plane the canary
// action moves, as a call to a load balancer's DNS name would in a cluster. It stands in for cluster DNS
// (CoreDNS) plus the external DNS of the ingress hosts. See docs/sandbox.md ("Names in pods").
import fs from 'node:fs';
import path from 'node:path';

/** Where `ip netns exec NAME` looks for files to mount over /etc. */
export const NETNS_ETC_DIR = '/etc/netns';

// A DNS name as Kubernetes validates Ingress hosts and HTTPRoute hostnames (no wildcards: a hosts file
// cannot hold one). Anything else is left out, so nothing from the API can add lines of its own.
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isHostName(name: string): boolean {
  return HOST_NAME.test(name);
}

export function hostsFileText(gatewayIP: string, names: readonly string[]): string {
  return [
    '# Written by the sandbox node agent (docs/sandbox.md, "Names in pods"): the cluster\'s Ingress and',
    "# HTTPRoute hosts resolve to this node's gateway proxy, which forwards to the ingress (Traefik).",
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    ...names.map((name) => `${gatewayIP}\t${name}`),
    ''
  ].join('\n');
}

export class PodHostsFiles {
  private names: string[] = [];
  private readonly netnsNames = new Set<string>();

  constructor(
    private readonly gatewayIP: string,
    private readonly etcDir = NETNS_ETC_DIR
  ) {}

  private file(netns: string): string {
    return path.join(this.etcDir, netns, 'hosts');
  }

  /** Before the pod's first process starts: `ip netns exec` mounts the file as it is then. */
  add(netns: string): void {
    fs.mkdirSync(path.dirname(this.file(netns)), { recursive: true });
    this.netnsNames.add(netns);
    this.write(netns);
  }

  /** Rewrites every pod's file when the cluster's routed hosts change. */
  setNames(names: readonly string[]): boolean {
    const next = [...new Set(names.filter(isHostName))].sort();
    if (next.join('\n') === this.names.join('\n')) return false;
    this.names = next;
    for (const netns of this.netnsNames) this.write(netns);
    return true;
  }

  remove(netns: string): void {
    this.netnsNames.delete(netns);
    fs.rmSync(path.dirname(this.file(netns)), { recursive: true, force: true });
  }

  removeAll(): void {
    for (const netns of [...this.netnsNames]) this.remove(netns);
  }

  // In place (truncate and write, same inode): a running pod's /etc/hosts is a bind mount of this file,
  // and a file renamed over it would not be seen there.
  private write(netns: string): void {
    fs.writeFileSync(this.file(netns), hostsFileText(this.gatewayIP, this.names));
  }
}

/** The /etc/netns entries of ours (names starting with `prefix`) that `isStale` says no live agent owns. */
export function removeStaleHostsDirs(isStale: (netns: string) => boolean, etcDir = NETNS_ETC_DIR): string[] {
  if (!fs.existsSync(etcDir)) return [];
  const stale = fs.readdirSync(etcDir).filter(isStale);
  for (const name of stale) fs.rmSync(path.join(etcDir, name), { recursive: true, force: true });
  return stale;
}
