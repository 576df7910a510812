// Kubeconfig files for the sandbox's identities: the API server URL, the CA, and a client certificate.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
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
