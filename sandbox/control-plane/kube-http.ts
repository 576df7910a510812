// Minimal HTTPS GETs against the sandbox's own API server (and its components' health endpoints) for
// readiness checks while the cluster starts; tests and users go through kubectl or a Kubernetes client.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import type { CertPair } from './pki.js';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export interface TlsIdentity {
  readonly caCert: string;
  readonly client: CertPair;
}

export function httpGet(
  url: string,
  tls?: TlsIdentity | 'self-signed',
  timeoutMs = 2000
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = { timeout: timeoutMs, agent: false };
    if (tls === 'self-signed') {
      // Controller manager and scheduler serve /healthz on loopback with a certificate they make themselves.
      options.rejectUnauthorized = false;
    } else if (tls) {
      options.ca = readFileSync(tls.caCert);
      options.cert = readFileSync(tls.client.cert);
      options.key = readFileSync(tls.client.key);
    }
    const get = url.startsWith('https:') ? https.get : http.get;
    const request = get(url, options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/** undefined when the URL answers `expected`, else what it answered: the shape waitUntil() wants. */
export async function answers(
  url: string,
  expected: number,
  tls?: TlsIdentity | 'self-signed'
): Promise<string | undefined> {
  const answer = await httpGet(url, tls);
  return answer.status === expected
    ? undefined
    : `${url} answered ${answer.status}: ${answer.body.slice(0, 200)}`;
}
