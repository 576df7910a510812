import {
  agentIdOf,
  bridgeName,
  hostVethName,
  podNetnsName,
  podVethName
} from '../../sandbox/node-agent/names.js';

describe('kernel object names', () => {
  // The widest pod CIDR (/12) has offsets up to 2^20 - 2.
  const widestOffset = 2 ** 20 - 2;

  it('start with sandbox- and fit the 15-character interface-name limit at the widest pod CIDR', () => {
    for (const name of [
      bridgeName('a1'),
      hostVethName('a1', widestOffset),
      podVethName('a1', widestOffset)
    ]) {
      expect(name.startsWith('sandbox-')).toBe(true);
      expect(name.length).toBeLessThanOrEqual(15);
    }
  });

  it('carry the agent id, which cleanup reads back', () => {
    expect(agentIdOf(podNetnsName('k3', 77))).toBe('k3');
    expect(agentIdOf(hostVethName('k3', 77))).toBe('k3');
    expect(agentIdOf('sandbox-')).toBeUndefined();
    expect(agentIdOf('eth0')).toBeUndefined();
  });

  it('are distinct per pod and per kind', () => {
    const names = [
      podNetnsName('k3', 2),
      podNetnsName('k3', 3),
      hostVethName('k3', 2),
      podVethName('k3', 2),
      bridgeName('k3')
    ];
    expect(new Set(names).size).toBe(names.length);
  });
});
