// `kube-context` reaches the real Helm 3 and 4 binaries and the real kubectl: a kubeconfig with two
// contexts, each pointing at a loopback HTTP server of its own, and the current context set to the
// other one. Only the server of the chosen context may see a request.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { actionsExecRunner } from '../../src/deploy/command-runner.js';
import { HelmDeployer } from '../../src/deploy/helm.js';
import { helmInContext, kubectlInContext } from '../../src/kube/context.js';
import { KubectlObjects } from '../../src/kube/kubectl.js';
import { realHelm, repoRoot } from './real-helm.js';
import { rolloutSpec } from '../helpers/rollout-spec.js';

const manifestFile = path.join(repoRoot, '.tools/sandbox/manifest.json');
const kubectlPath = fs.existsSync(manifestFile)
  ? (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { binaries: { kubectl: string } }).binaries.kubectl
  : undefined;

interface Cluster {
  server: http.Server;
  hits: string[];
  url: string;
}

async function cluster(): Promise<Cluster> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{"kind":"Status","apiVersion":"v1","status":"Failure","message":"test cluster","code":503}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, hits, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let east: Cluster;
let west: Cluster;
let dir: string;
const savedKubeconfig = process.env.KUBECONFIG;

beforeAll(async () => {
  east = await cluster();
  west = await cluster();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canary-kube-context-'));
  const kubeconfig = path.join(dir, 'config');
  fs.writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: east, cluster: {server: "${east.url}"}}, {name: west, cluster: {server: "${west.url}"}}]`,
      'users: [{name: nobody, user: {token: test}}]',
      'contexts: [{name: prod-east, context: {cluster: east, user: nobody}},',
      '           {name: "arn:aws:eks:us-west-2:1:cluster/prod-west", context: {cluster: west, user: nobody}}]',
      'current-context: prod-east'
    ].join('\n'),
    { mode: 0o600 }
  );
  process.env.KUBECONFIG = kubeconfig;
});

afterAll(async () => {
  if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = savedKubeconfig;
  fs.rmSync(dir, { recursive: true, force: true });
  await Promise.all([east, west].map((c) => new Promise((resolve) => c.server.close(resolve))));
});

beforeEach(() => {
  east.hits.length = 0;
  west.hits.length = 0;
});

const WEST = 'arn:aws:eks:us-west-2:1:cluster/prod-west';

describe.each([3, 4] as const)('Helm %i', (major) => {
  const deployer = (context?: string) =>
    new HelmDeployer(rolloutSpec(), helmInContext(actionsExecRunner, context), () => {}, realHelm(major));

  it('talks to the kube-context it is given, not the current one', async () => {
    await expect(deployer(WEST).stableState()).rejects.toThrow();
    expect(west.hits.length).toBeGreaterThan(0);
    expect(east.hits).toEqual([]);
  });

  it('talks to the current context when none is given', async () => {
    await expect(deployer().stableState()).rejects.toThrow();
    expect(east.hits.length).toBeGreaterThan(0);
    expect(west.hits).toEqual([]);
  });
});

(kubectlPath ? describe : describe.skip)('kubectl', () => {
  it('talks to the kube-context it is given, not the current one', async () => {
    const kube = new KubectlObjects(kubectlInContext(actionsExecRunner, WEST), kubectlPath);
    await expect(kube.list('httproutes.gateway.networking.k8s.io', 'shop')).rejects.toThrow();
    expect(west.hits.length).toBeGreaterThan(0);
    expect(east.hits).toEqual([]);
  });

  it('talks to the current context when none is given', async () => {
    const kube = new KubectlObjects(kubectlInContext(actionsExecRunner, undefined), kubectlPath);
    await expect(kube.list('httproutes.gateway.networking.k8s.io', 'shop')).rejects.toThrow();
    expect(east.hits.length).toBeGreaterThan(0);
    expect(west.hits).toEqual([]);
  });
});
