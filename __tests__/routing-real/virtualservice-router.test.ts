// The istio router against a real API server (the sandbox's kube-apiserver with Istio's networking
// CRDs from its build; no mesh routes anything, but the API validates the VirtualService), through
// the real kubectl adapter and the real Helm 4: a small chart renders a Service and a VirtualService
// for stable; the action splits the VirtualService's weights, Helm 4's upgrade of stable conflicts
// with that edit, and after the hand-back it goes through with the object as rendered.
// Skips with a message when the sandbox is not built (`npm run sandbox:build`).
import { beforeAll, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { helmBinaryPath } from '../../scripts/helm-paths.mjs';
import { actionsExecRunner } from '../../src/deploy/command-runner.js';
import { HelmDeployer } from '../../src/deploy/helm.js';
import { KubectlObjects } from '../../src/kube/kubectl.js';
import { EDIT_ANNOTATION } from '../../src/routing/route-edit.js';
import { VIRTUALSERVICE_RESOURCE, virtualServiceRouter } from '../../src/routing/virtualservice-router.js';
import type { VirtualService } from '../../src/routing/virtualservice.js';
import { rolloutSpec } from '../helpers/rollout-spec.js';
import { describeIfSandboxBuilt, useApiServer } from '../helpers/api-server.js';

const execFileAsync = promisify(execFile);
const describeIfBuilt = describeIfSandboxBuilt('routing-real');

jest.setTimeout(180_000);

const NS = 'mesh';
let chartDir: string;

const server = useApiServer('routing-real-istio-', NS);
const kubectl = server.kubectl;

const readVs = async (name: string): Promise<VirtualService> =>
  JSON.parse(
    await kubectl(['get', VIRTUALSERVICE_RESOURCE, name, '-n', NS, '-o', 'json', '--show-managed-fields'])
  ) as VirtualService;

/** A chart nobody wrote for canaries: a Service, and a VirtualService for the stable release only. */
function writeChart(dir: string): void {
  mkdirSync(path.join(dir, 'templates'), { recursive: true });
  writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: meshapp\nversion: 0.1.0\n');
  writeFileSync(path.join(dir, 'values.yaml'), 'tag: "1"\n');
  writeFileSync(
    path.join(dir, 'templates', 'service.yaml'),
    [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: {{ .Release.Name }}',
      '  labels: { version: {{ .Values.tag | quote }} }',
      'spec:',
      '  selector: { app: {{ .Release.Name }} }',
      '  ports: [{ port: 80 }]',
      ''
    ].join('\n')
  );
  writeFileSync(
    path.join(dir, 'templates', 'virtualservice.yaml'),
    [
      '{{- if not (hasSuffix "-canary" .Release.Name) }}',
      'apiVersion: networking.istio.io/v1',
      'kind: VirtualService',
      'metadata:',
      '  name: {{ .Release.Name }}',
      '  labels: { version: {{ .Values.tag | quote }} }',
      'spec:',
      '  hosts: [shop.example.com]',
      '  http:',
      '    - match: [{ uri: { prefix: /admin } }]',
      '      route: [{ destination: { host: admin } }]',
      '    - route:',
      '        - destination:',
      '            host: {{ .Release.Name }}.{{ .Release.Namespace }}.svc.cluster.local',
      '            port: { number: 80 }',
      '{{- end }}',
      ''
    ].join('\n')
  );
}

describeIfBuilt('VirtualService router on a real API server, with Helm 4', () => {
  beforeAll(async () => {
    chartDir = path.join(server.stateDir, 'meshapp');
    writeChart(chartDir);
  });

  test('weights split on the VirtualService, removal restores it and hands it back, stable then upgrades', async () => {
    const helm4 = helmBinaryPath(4);
    const helm = (args: string[]) =>
      execFileAsync(helm4, [...args, chartDir, '--namespace', NS], { env: { ...process.env } });
    await helm(['install', 'meshapp']);
    await helm(['install', 'meshapp-canary', '--set', 'tag=2']);
    const rendered = await readVs('meshapp');

    const spec = rolloutSpec({
      namespace: NS,
      release: 'meshapp',
      canaryRelease: 'meshapp-canary',
      chart: chartDir,
      routing: 'istio'
    });
    const router = virtualServiceRouter(spec, {
      kube: new KubectlObjects(actionsExecRunner, server.kubectlBinary),
      services: new HelmDeployer(spec, actionsExecRunner, () => {}, helm4),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms))
    });

    await router.prepare(20);
    let vs = await readVs('meshapp');
    expect(vs.spec!.http![1].route).toEqual([
      { destination: { host: 'meshapp.mesh.svc.cluster.local', port: { number: 80 } }, weight: 80 },
      { destination: { host: 'meshapp-canary.mesh.svc.cluster.local', port: { number: 80 } }, weight: 20 }
    ]);
    expect(vs.spec!.http![0]).toEqual(rendered.spec!.http![0]);
    expect((await router.describe({ exists: true })).weight).toBe(20);

    // Helm 4's server-side apply refuses to take .spec.http back from the action's patch.
    await expect(helm(['upgrade', 'meshapp', '--set', 'tag=1.1'])).rejects.toThrow(/conflict/i);

    const started = performance.now();
    await router.remove();
    const removeMs = performance.now() - started;
    vs = await readVs('meshapp');
    expect(vs.spec).toEqual(rendered.spec);
    expect(vs.metadata.annotations?.[EDIT_ANNOTATION]).toBeUndefined();
    expect((await router.describe({ exists: true })).weight).toBe(0);

    await helm(['upgrade', 'meshapp', '--set', 'tag=2']);
    vs = await readVs('meshapp');
    expect(vs.spec).toEqual(rendered.spec);
    expect((vs.metadata as { labels?: Record<string, string> }).labels?.version).toBe('2');
    console.log(
      `istio with Helm 4 on a real API server: removal (restore + hand-back to Helm) ${removeMs.toFixed(0)} ms`
    );
  });
});
