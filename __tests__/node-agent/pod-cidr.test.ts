import {
  cidrContains,
  cidrsOverlap,
  parsePodCidr,
  PodIpAllocator
} from '../../sandbox/node-agent/pod-cidr.js';

describe('parsePodCidr', () => {
  it('gives the bridge the first address and knows the block size', () => {
    const block = parsePodCidr('10.244.0.0/24');
    expect(block).toMatchObject({ gateway: '10.244.0.1', prefixLength: 24, size: 256 });
  });

  it.each(['10.244.0.0', '10.244.0.0/33', '10.244.0.0/8', '10.244.0.0/30', 'fd00::/64', '300.1.1.0/24', 'x'])(
    'refuses %s with a message naming podCidr and what is expected',
    (text) => {
      expect(() => parsePodCidr(text)).toThrow(
        `podCidr "${text}": expected an IPv4 network such as 10.244.0.0/24`
      );
    }
  );

  it('refuses host bits and names the network address', () => {
    expect(() => parsePodCidr('10.244.0.5/24')).toThrow('the network address is 10.244.0.0');
  });
});

describe('cidrsOverlap', () => {
  const block = (text: string) => parsePodCidr(text);
  it('sees nested and equal blocks as overlapping, neighbours as not', () => {
    expect(cidrsOverlap(block('10.244.0.0/16'), block('10.244.7.0/24'))).toBe(true);
    expect(cidrsOverlap(block('10.244.7.0/24'), block('10.244.7.0/24'))).toBe(true);
    expect(cidrsOverlap(block('10.244.7.0/24'), block('10.244.8.0/24'))).toBe(false);
  });
});

describe('cidrContains', () => {
  it('holds the block, network to broadcast, and nothing else', () => {
    const block = parsePodCidr('10.244.3.0/24');
    expect(['10.244.3.0', '10.244.3.255'].map((ip) => cidrContains(block, ip))).toEqual([true, true]);
    expect(
      ['10.244.4.0', '10.244.2.255', '127.0.0.1', 'localhost'].map((ip) => cidrContains(block, ip))
    ).toEqual([false, false, false, false]);
  });
});

describe('PodIpAllocator', () => {
  it('hands out .2 to the last address before broadcast, then reports the block full', () => {
    const allocator = new PodIpAllocator(parsePodCidr('10.1.2.0/29'));
    const ips = Array.from({ length: 5 }, () => allocator.allocate().ip);
    expect(ips).toEqual(['10.1.2.2', '10.1.2.3', '10.1.2.4', '10.1.2.5', '10.1.2.6']);
    expect(() => allocator.allocate()).toThrow(
      'pod CIDR 10.1.2.0/29 is full: all 5 pod addresses are in use'
    );
  });

  it('reuses a released address only after the others (round robin)', () => {
    const allocator = new PodIpAllocator(parsePodCidr('10.1.2.0/29'));
    const first = allocator.allocate();
    allocator.allocate();
    allocator.release(first);
    expect(allocator.allocate().ip).toBe('10.1.2.4');
    expect(allocator.allocate().ip).toBe('10.1.2.5');
    allocator.allocate();
    expect(allocator.allocate()).toEqual({ ip: '10.1.2.2', offset: 2 });
    expect(allocator.used).toBe(5);
  });
});
