// The build's output contract: .tools/sandbox/manifest.json names every binary, CRD file and chart the
// control plane, the node agent and the tests use, by absolute path.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './components.js';

export const sandboxToolsDir = path.join(repoRoot, '.tools', 'sandbox');
export const manifestPath = path.join(sandboxToolsDir, 'manifest.json');

export interface SandboxManifest {
  readonly kubernetesVersion: string;
  readonly versions: Readonly<Record<string, string>>;
  /** kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, traefik, prometheus, podinfo, podcli, etcd. */
  readonly binaries: Readonly<Record<BinaryName, string>>;
  /** CRD manifests (YAML files) to apply, in order. */
  readonly crds: readonly string[];
  /** podinfo's Helm chart, inside the Go module cache (read-only). */
  readonly podinfoChart: string;
}

export type BinaryName =
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'kubectl'
  | 'traefik'
  | 'podinfo'
  | 'podcli'
  | 'etcd'
  | 'prometheus';

export class ManifestMissingError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}. Run \`npm run sandbox:build\` first.`);
    this.name = 'ManifestMissingError';
  }
}

/** Reads the manifest and checks every path in it exists, so a half-deleted .tools/ is a named error. */
export function readManifest(file: string = manifestPath): SandboxManifest {
  if (!existsSync(file)) throw new ManifestMissingError(file, 'not found');
  let manifest: SandboxManifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as SandboxManifest;
  } catch (error) {
    throw new ManifestMissingError(file, `not valid JSON (${(error as Error).message})`);
  }
  const paths = [...Object.values(manifest.binaries ?? {}), ...(manifest.crds ?? []), manifest.podinfoChart];
  const missing = paths.filter((p) => typeof p !== 'string' || !existsSync(p));
  if (missing.length > 0 || paths.length === 0)
    throw new ManifestMissingError(
      file,
      `lists paths that do not exist: ${missing.join(', ') || '(none listed)'}`
    );
  return manifest;
}
