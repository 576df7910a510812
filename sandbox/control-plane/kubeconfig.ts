// Kubeconfig files for the sandbox's identities: the API server URL, the CA, and a client certificate.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import type { CertPair } from './pki.js';

export interface KubeconfigRequest {
  readonly file: string;
  readonly server: string;
  readonly caCert: string;
  readonly client: CertPair;
  readonly user: string;
}

export function writeKubeconfig(request: KubeconfigRequest): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'sandbox', cluster: { server: request.server, 'certificate-authority': request.caCert } }
    ],
    users: [
      {
        name: request.user,
        user: { 'client-certificate': request.client.cert, 'client-key': request.client.key }
      }
    ],
    contexts: [
      { name: 'sandbox', context: { cluster: 'sandbox', user: request.user, namespace: 'default' } }
    ],
    'current-context': 'sandbox',
    preferences: {}
  };
  writeFileSync(request.file, stringify(config), { mode: 0o600 });
  return request.file;
}

interface NamedEntry {
  readonly name: string;
  readonly [field: string]: unknown;
}

/** The parts of a kubeconfig a merge reads (what writeKubeconfig writes: one cluster, user and context). */
export interface KubeconfigDoc {
  readonly clusters: readonly NamedEntry[];
  readonly users: readonly NamedEntry[];
  readonly contexts: ReadonlyArray<{
    name: string;
    context: { cluster: string; user: string; namespace?: string };
  }>;
  readonly 'current-context': string;
}

/**
 * One kubeconfig holding every cluster of a set, each under its own context name (its cluster and user
 * renamed alike, so two clusters' `sandbox` entries do not collide); the first context is the current one.
 */
export function mergeKubeconfigs(
  members: ReadonlyArray<{
    readonly context: string;
    readonly config: KubeconfigDoc;
    readonly source: string;
  }>
): object {
  if (members.length === 0) throw new Error('mergeKubeconfigs: no kubeconfig to merge');
  const names = members.map((m) => m.context);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new Error(`mergeKubeconfigs: context ${duplicate} given twice`);
  const clusters: object[] = [];
  const users: object[] = [];
  const contexts: object[] = [];
  for (const { context: name, config, source } of members) {
    const current = config.contexts.find((c) => c.name === config['current-context']);
    const cluster = config.clusters.find((c) => c.name === current?.context.cluster);
    const user = config.users.find((u) => u.name === current?.context.user);
    if (!current || !cluster || !user)
      throw new Error(
        `${source}: expected a kubeconfig whose current context names one of its clusters and users`
      );
    clusters.push({ ...cluster, name });
    users.push({ ...user, name: `${name}-${user.name}` });
    contexts.push({ name, context: { ...current.context, cluster: name, user: `${name}-${user.name}` } });
  }
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters,
    users,
    contexts,
    'current-context': names[0],
    preferences: {}
  };
}

/** Reads each member's kubeconfig file and writes their merge to `file` (owner-only, it holds keys' paths). */
export function writeMergedKubeconfig(
  file: string,
  members: ReadonlyArray<{ readonly context: string; readonly kubeconfig: string }>
): string {
  const merged = mergeKubeconfigs(
    members.map((m) => ({
      context: m.context,
      source: m.kubeconfig,
      config: parse(readFileSync(m.kubeconfig, 'utf8')) as KubeconfigDoc
    }))
  );
  writeFileSync(file, stringify(merged), { mode: 0o600 });
  return file;
}
