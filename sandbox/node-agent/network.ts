// The pod network, made with iproute2: one bridge per agent holding the pod CIDR's first address (so
// the host, Traefik and Prometheus reach pod IPs through it), and per pod a network namespace with
// loopback up and one end of a veth pair as eth0, the other end on the bridge. No default route and
// no forwarding: pods reach each other and the bridge address, nothing else. Each pod's namespace also
// gets a hosts file (pod-hosts.ts), removed with the namespace.
import { spawnSync } from 'node:child_process';
import { agentIdOf, bridgeName, hostVethName, PREFIX, podNetnsName, podVethName } from './names.js';
import { cidrsOverlap, ipToNumber, type PodAddress, type PodCidr } from './pod-cidr.js';
import { ip, runCommand } from './run-command.js';
import { liveAgentIds } from './agent-registry.js';
import { PodHostsFiles, removeStaleHostsDirs } from './pod-hosts.js';

export interface PodNetwork {
  netns: string;
  ip: string;
  address: PodAddress;
}

interface IpRoute {
  dst: string;
  dev?: string;
}

function parseJsonList<T>(output: string): T[] {
  return output.trim() === '' ? [] : (JSON.parse(output) as T[]);
}

async function routes(): Promise<IpRoute[]> {
  return parseJsonList<IpRoute>(await ip('-j', '-4', 'route', 'show', 'table', 'all'));
}

export async function linkNames(): Promise<string[]> {
  return parseJsonList<{ ifname: string }>(await ip('-j', 'link', 'show')).map((l) => l.ifname);
}

export async function netnsNames(): Promise<string[]> {
  return parseJsonList<{ name: string }>(await ip('-j', 'netns', 'list')).map((n) => n.name);
}

/** Refuses a pod CIDR that overlaps a route already on the machine (for instance another sandbox's). */
async function assertCidrFree(block: PodCidr): Promise<void> {
  for (const route of await routes()) {
    if (!route.dst || route.dst === 'default' || route.dst.includes(':')) continue;
    const [address, prefix = '32'] = route.dst.split('/');
    const network = ipToNumber(address);
    if (network === undefined) continue;
    const size = 2 ** (32 - Number(prefix));
    if (cidrsOverlap(block, { network: network - (network % size), size })) {
      throw new Error(
        `podCidr ${block.cidr} overlaps the route ${route.dst}${route.dev ? ` on ${route.dev}` : ''} already on this machine (another sandbox running?); choose another pod CIDR`
      );
    }
  }
}

export class NodeNetwork {
  private readonly pods = new Map<string, PodNetwork>();
  /** The pods' hosts files: the cluster's routed hosts resolve to the bridge address (gateway-proxy.ts). */
  readonly hosts: PodHostsFiles;

  private constructor(
    readonly agentId: string,
    readonly block: PodCidr,
    readonly bridge: string
  ) {
    this.hosts = new PodHostsFiles(block.gateway);
  }

  static async create(agentId: string, block: PodCidr): Promise<NodeNetwork> {
    await assertCidrFree(block);
    const bridge = bridgeName(agentId);
    await ip('link', 'add', bridge, 'type', 'bridge');
    try {
      await ip('addr', 'add', `${block.gateway}/${block.prefixLength}`, 'dev', bridge);
      await ip('link', 'set', bridge, 'up');
    } catch (error) {
      await ip('link', 'del', bridge).catch(() => undefined);
      throw error;
    }
    return new NodeNetwork(agentId, block, bridge);
  }

  /** Makes the pod's namespace and wires it to the bridge with its address. */
  async addPod(address: PodAddress): Promise<PodNetwork> {
    const netns = podNetnsName(this.agentId, address.offset);
    const hostEnd = hostVethName(this.agentId, address.offset);
    const podEnd = podVethName(this.agentId, address.offset);
    const network: PodNetwork = { netns, ip: address.ip, address };
    this.pods.set(netns, network);
    try {
      await ip('netns', 'add', netns);
      this.hosts.add(netns);
      await ip('-n', netns, 'link', 'set', 'lo', 'up');
      await ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', podEnd, 'netns', netns);
      await ip('link', 'set', hostEnd, 'master', this.bridge);
      await ip('link', 'set', hostEnd, 'up');
      await ip('-n', netns, 'link', 'set', podEnd, 'name', 'eth0');
      await ip('-n', netns, 'addr', 'add', `${address.ip}/${this.block.prefixLength}`, 'dev', 'eth0');
      await ip('-n', netns, 'link', 'set', 'eth0', 'up');
    } catch (error) {
      await this.removePod(network);
      throw error;
    }
    return network;
  }

  /** Deletes the namespace; its veth end goes with it, and so does the host end. */
  async removePod(network: PodNetwork): Promise<void> {
    this.pods.delete(network.netns);
    this.hosts.remove(network.netns);
    await ip('netns', 'del', network.netns).catch(() => undefined);
    const hostEnd = hostVethName(this.agentId, network.address.offset);
    if ((await linkNames()).includes(hostEnd)) await ip('link', 'del', hostEnd).catch(() => undefined);
  }

  /** removePod for the process's exit, when only synchronous work runs. */
  removePodSync(network: PodNetwork): void {
    this.pods.delete(network.netns);
    this.hosts.remove(network.netns);
    spawnSync('ip', ['netns', 'del', network.netns]);
  }

  destroySync(): void {
    for (const network of [...this.pods.values()]) this.removePodSync(network);
    spawnSync('ip', ['link', 'del', this.bridge]);
  }

  async destroy(): Promise<void> {
    for (const network of [...this.pods.values()]) await this.removePod(network);
    await ip('link', 'del', this.bridge).catch(() => undefined);
  }
}

async function killProcessesIn(netns: string): Promise<void> {
  const { stdout } = await runCommand(['ip', 'netns', 'pids', netns]).catch(() => ({ stdout: '' }));
  for (const pid of stdout.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/**
 * Removes the sandbox- network namespaces, links and /etc/netns entries that no live agent owns, and kills the
 * processes still running in those namespaces: what a run that died left behind.
 */
export async function cleanupStale(): Promise<{
  namespaces: string[];
  links: string[];
  hostsDirs: string[];
}> {
  const live = liveAgentIds();
  const isStale = (name: string) => name.startsWith(PREFIX) && !live.has(agentIdOf(name) ?? '');
  const namespaces = (await netnsNames()).filter(isStale);
  for (const netns of namespaces) {
    await killProcessesIn(netns);
    await ip('netns', 'del', netns);
  }
  const links = (await linkNames()).filter(isStale);
  for (const link of links) {
    // A veth end disappears with its peer; only what is still there is deleted.
    if ((await linkNames()).includes(link)) await ip('link', 'del', link);
  }
  // The hosts files of those namespaces (/etc/netns/NAME), which `ip netns del` leaves behind.
  const hostsDirs = removeStaleHostsDirs(isStale);
  return { namespaces, links, hostsDirs };
}
