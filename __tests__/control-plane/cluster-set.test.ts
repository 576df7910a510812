// `sandbox up --clusters N`: the flag, the clusters a set is made of (distinct node names, pod CIDRs and
// state dirs), and the one kubeconfig with a context per cluster, merged from the real files
// writeKubeconfig writes for each cluster.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { parseClusterCount, planMembers } from '../../sandbox/control-plane/cluster-set.js';
import {
  mergeKubeconfigs,
  writeKubeconfig,
  writeMergedKubeconfig,
  type KubeconfigDoc
} from '../../sandbox/control-plane/kubeconfig.js';

describe('--clusters', () => {
  it('defaults to one cluster', () => {
    expect(parseClusterCount(undefined)).toBe(1);
  });

  it.each(['1', '2', '4'])('takes %s', (text) => {
    expect(parseClusterCount(text)).toBe(Number(text));
  });

  it.each(['0', '5', 'two', '1.5', '-1', ''])('refuses "%s", naming the flag', (text) => {
    expect(() => parseClusterCount(text)).toThrow(
      `--clusters: expected a whole number from 1 to 4, got "${text}"`
    );
  });
});

describe('planMembers', () => {
  it('gives each cluster its own context, state dir, node name and pod CIDR', () => {
    expect(planMembers({ stateDir: '/s', count: 2 })).toEqual([
      { context: 'a', stateDir: '/s/a', nodeName: 'sandbox-node-a', podCidr: '10.244.0.0/24' },
      { context: 'b', stateDir: '/s/b', nodeName: 'sandbox-node-b', podCidr: '10.244.1.0/24' }
    ]);
  });

  it('starts from the pod CIDR and node name given, blocks of the same size', () => {
    const members = planMembers({ stateDir: '/s', count: 3, nodeName: 'n', podCidr: '10.247.254.0/23' });
    expect(members.map((m) => [m.nodeName, m.podCidr])).toEqual([
      ['n-a', '10.247.254.0/23'],
      ['n-b', '10.248.0.0/23'],
      ['n-c', '10.248.2.0/23']
    ]);
  });

  it('refuses a pod CIDR with no room for the blocks after it', () => {
    expect(() => planMembers({ stateDir: '/s', count: 2, podCidr: '255.255.255.0/24' })).toThrow(
      'podCidr 255.255.255.0/24: no room for 2 blocks'
    );
  });
});

describe('the merged kubeconfig', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-merge-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const clusterKubeconfig = (name: string, port: number): string =>
    writeKubeconfig({
      file: path.join(dir, `${name}.kubeconfig`),
      server: `https://127.0.0.1:${port}`,
      caCert: `/pki/${name}/ca.crt`,
      client: { cert: `/pki/${name}/admin.crt`, key: `/pki/${name}/admin.key` },
      user: 'admin'
    });

  it('has one context per cluster, each with that cluster’s server, CA and client certificate', () => {
    const file = writeMergedKubeconfig(path.join(dir, 'kubeconfig'), [
      { context: 'a', kubeconfig: clusterKubeconfig('a', 1001) },
      { context: 'b', kubeconfig: clusterKubeconfig('b', 1002) }
    ]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const merged = parse(readFileSync(file, 'utf8'));
    expect(merged['current-context']).toBe('a');
    expect(merged.contexts).toEqual([
      { name: 'a', context: { cluster: 'a', user: 'a-admin', namespace: 'default' } },
      { name: 'b', context: { cluster: 'b', user: 'b-admin', namespace: 'default' } }
    ]);
    expect(merged.clusters).toEqual([
      { name: 'a', cluster: { server: 'https://127.0.0.1:1001', 'certificate-authority': '/pki/a/ca.crt' } },
      { name: 'b', cluster: { server: 'https://127.0.0.1:1002', 'certificate-authority': '/pki/b/ca.crt' } }
    ]);
    expect(merged.users).toEqual([
      {
        name: 'a-admin',
        user: { 'client-certificate': '/pki/a/admin.crt', 'client-key': '/pki/a/admin.key' }
      },
      {
        name: 'b-admin',
        user: { 'client-certificate': '/pki/b/admin.crt', 'client-key': '/pki/b/admin.key' }
      }
    ]);
  });

  it('refuses a context given twice, and a kubeconfig whose current context is not in it', () => {
    const config = parse(readFileSync(clusterKubeconfig('a', 1), 'utf8')) as KubeconfigDoc;
    expect(() =>
      mergeKubeconfigs([
        { context: 'a', config, source: 'x' },
        { context: 'a', config, source: 'y' }
      ])
    ).toThrow('context a given twice');
    expect(() =>
      mergeKubeconfigs([
        { context: 'a', config: { ...config, 'current-context': 'other' }, source: 'x.yaml' }
      ])
    ).toThrow('x.yaml: expected a kubeconfig whose current context names one of its clusters and users');
  });
});
