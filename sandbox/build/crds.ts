// CRDs the sandbox's API server serves, taken from pinned Go modules (sandbox/crds/go.mod) in the module
// cache, so the API server validates what the chart renders for every routing preset.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './components.js';
import { downloadModules } from './go.js';

const crdModuleDir = path.join(repoRoot, 'sandbox/crds');
const GATEWAY_API = 'sigs.k8s.io/gateway-api';
const ISTIO_API = 'istio.io/api';
const PROMETHEUS_OPERATOR = 'github.com/prometheus-operator/prometheus-operator';
const PROMETHEUS_OPERATOR_CRDS = ['podmonitors', 'servicemonitors', 'prometheusrules'];

export interface CrdFiles {
  readonly files: string[];
  readonly versions: Record<string, string>;
}

/** Resolves the CRD files; writes the Istio networking subset (one file upstream holds all of Istio's) to outDir. */
export async function collectCrds(outDir: string): Promise<CrdFiles> {
  const modules = await downloadModules(crdModuleDir, [GATEWAY_API, ISTIO_API, PROMETHEUS_OPERATOR]);
  const dirOf = (module: string): string => modules.get(module)!.Dir;

  const gatewayDir = path.join(dirOf(GATEWAY_API), 'config/crd/standard');
  const gatewayCrds = readdirSync(gatewayDir)
    .filter((name) => name.startsWith('gateway.networking.k8s.io_') && name.endsWith('.yaml'))
    .sort()
    .map((name) => path.join(gatewayDir, name));

  const operatorDir = path.join(dirOf(PROMETHEUS_OPERATOR), 'example/prometheus-operator-crd');
  const operatorCrds = PROMETHEUS_OPERATOR_CRDS.map((kind) =>
    path.join(operatorDir, `monitoring.coreos.com_${kind}.yaml`)
  );

  const istioAll = path.join(dirOf(ISTIO_API), 'kubernetes/customresourcedefinitions.gen.yaml');
  const networking = parseAllDocuments(readFileSync(istioAll, 'utf8'))
    .filter(
      (doc) =>
        doc.get('kind') === 'CustomResourceDefinition' &&
        doc.getIn(['spec', 'group']) === 'networking.istio.io'
    )
    .map((doc) => doc.toString());
  if (networking.length === 0)
    throw new Error(`${istioAll}: no CustomResourceDefinition of group networking.istio.io`);
  mkdirSync(outDir, { recursive: true });
  const istioCrds = path.join(outDir, 'istio-networking.yaml');
  writeFileSync(istioCrds, networking.join('---\n'));

  const versions: Record<string, string> = {};
  for (const [module, info] of modules) versions[module] = info.Version;
  return { files: [...gatewayCrds, ...operatorCrds, istioCrds], versions };
}
