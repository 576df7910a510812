// The pod CIDR: which addresses the bridge and the pods get. IPv4 only; the first address is the
// bridge's (the pods' gateway and the Node's InternalIP), the rest go to pods.

export interface PodCidr {
  /** As given, e.g. 10.244.0.0/24. */
  readonly cidr: string;
  readonly prefixLength: number;
  /** The network address as a 32-bit number. */
  readonly network: number;
  /** Number of addresses in the block, network and broadcast included. */
  readonly size: number;
  /** The bridge's address: network + 1. */
  readonly gateway: string;
}

// Names of host links carry the pod's offset in base 36 in at most 4 characters (see names.ts):
// 36^4 = 1.7 M addresses, so /12 is the widest block; /29 leaves at least 5 pod addresses.
const WIDEST_PREFIX = 12;
const NARROWEST_PREFIX = 29;

export function ipToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255))
    return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function numberToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function parsePodCidr(text: string): PodCidr {
  const expected = `podCidr "${text}": expected an IPv4 network such as 10.244.0.0/24 with a prefix from /${WIDEST_PREFIX} to /${NARROWEST_PREFIX}`;
  const match = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
  const address = match ? ipToNumber(match[1]) : undefined;
  const prefixLength = match ? Number(match[2]) : NaN;
  if (address === undefined || !(prefixLength >= WIDEST_PREFIX && prefixLength <= NARROWEST_PREFIX)) {
    throw new Error(expected);
  }
  const size = 2 ** (32 - prefixLength);
  if (address % size !== 0) {
    throw new Error(
      `${expected} (host bits are set; the network address is ${numberToIp(address - (address % size))})`
    );
  }
  return { cidr: text, prefixLength, network: address, size, gateway: numberToIp(address + 1) };
}

/** Whether two IPv4 blocks share an address. */
export function cidrsOverlap(
  a: { network: number; size: number },
  b: { network: number; size: number }
): boolean {
  return a.network < b.network + b.size && b.network < a.network + a.size;
}

/** Whether an IPv4 address lies in the block. */
export function cidrContains(block: PodCidr, ip: string): boolean {
  const value = ipToNumber(ip);
  return value !== undefined && value >= block.network && value < block.network + block.size;
}

export interface PodAddress {
  readonly ip: string;
  /** Offset from the network address; unique among live pods, used in link names. */
  readonly offset: number;
}

/**
 * Hands out pod addresses round-robin, so that a freed address is reused as late as possible (an
 * EndpointSlice or a router that still holds it then reaches nothing rather than another pod).
 */
export class PodIpAllocator {
  private readonly inUse = new Set<number>();
  private next = 2;

  constructor(private readonly block: PodCidr) {}

  allocate(): PodAddress {
    const firstPod = 2;
    const lastPod = this.block.size - 2; // the last address is the broadcast address
    const count = lastPod - firstPod + 1;
    for (let tried = 0; tried < count; tried++) {
      const offset = firstPod + ((this.next - firstPod + tried) % count);
      if (!this.inUse.has(offset)) {
        this.inUse.add(offset);
        this.next = offset + 1;
        return { ip: numberToIp(this.block.network + offset), offset };
      }
    }
    throw new Error(`pod CIDR ${this.block.cidr} is full: all ${count} pod addresses are in use`);
  }

  release(address: PodAddress): void {
    this.inUse.delete(address.offset);
  }

  get used(): number {
    return this.inUse.size;
  }
}
