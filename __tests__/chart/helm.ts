// Runs the real Helm binary (3 or 4) on charts/storefront and parses what it renders.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { helmBinaryPath, repoRoot } from '../../scripts/helm-paths.mjs';

const run = promisify(execFile);

export const chartDir = path.join(repoRoot, 'charts', 'storefront');
export const NAMESPACE = 'shop-ns';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
}

export async function helm(
  major: 3 | 4,
  args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(helmBinaryPath(major), args, {
      cwd: repoRoot,
      env: {
        ...process.env,
        HELM_CACHE_HOME: '/tmp/sf-chart-test-helm/cache',
        HELM_CONFIG_HOME: '/tmp/sf-chart-test-helm/config'
      },
      maxBuffer: 32 * 1024 * 1024
    });
    return { code: 0, stdout, stderr };
  } catch (error: any) {
    return {
      code: typeof error.code === 'number' ? error.code : 1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? ''
    };
  }
}

export async function template(major: 3 | 4, release: string, sets: string[] = []): Promise<K8sObject[]> {
  const result = await helm(major, ['template', release, chartDir, '--namespace', NAMESPACE, ...sets]);
  if (result.code !== 0) throw new Error(`helm ${major} template ${release} failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** The values the canary action passes to the canary release at weight w (see the chart contract). */
export function canarySets(routing: string, weight: number, stable = 'shop'): string[] {
  const sets = [
    '--set',
    'canary.enabled=true',
    '--set',
    `canary.weight=${weight}`,
    '--set',
    `canary.routing=${routing}`,
    '--set-string',
    `canary.stableRelease=${stable}`
  ];
  if (routing === 'ingress-nginx') {
    sets.push(
      '--set-string',
      'ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/canary=true',
      '--set-string',
      `ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/canary-weight=${weight}`
    );
  }
  return sets;
}

export function only(objects: K8sObject[], kind: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}, found ${found.length}`);
  return found[0];
}

export function kinds(objects: K8sObject[]): string[] {
  return objects.map((o) => o.kind).sort();
}

export function matchesSelector(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
