// The cluster's certificates, made with Debian's openssl (argv arrays): a CA, the API server's serving
// certificate, one client certificate per identity, and the service-account signing key pair.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

async function openssl(args: readonly string[]): Promise<void> {
  try {
    await execFileAsync('openssl', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(
      `openssl ${args[0]} failed (is Debian's openssl installed?): ${stderr.trim() || String(error)}`
    );
  }
}

export interface ClientIdentity {
  /** File name stem: pki/<file>.crt and pki/<file>.key. */
  readonly file: string;
  /** The user name Kubernetes sees. */
  readonly commonName: string;
  /** Groups Kubernetes sees (system:masters is bound to cluster-admin). */
  readonly organizations: readonly string[];
}

export interface CertPair {
  readonly cert: string;
  readonly key: string;
}

export interface ClusterPki {
  readonly caCert: string;
  readonly apiServer: CertPair;
  readonly clients: Readonly<Record<string, CertPair>>;
  readonly serviceAccountKey: string;
  readonly serviceAccountPublicKey: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

// openssl req reads extensions from a config file section; one small file per certificate.
function extensionConfig(dir: string, name: string, extensions: readonly string[]): string {
  const file = path.join(dir, `${name}.cnf`);
  writeFileSync(file, ['[req]', 'distinguished_name = dn', '[dn]', '[ext]', ...extensions, ''].join('\n'));
  return file;
}

function subject(commonName: string, organizations: readonly string[] = []): string {
  const escape = (value: string): string => value.replace(/[/\\=+,]/g, (c) => `\\${c}`);
  return [...organizations.map((o) => `/O=${escape(o)}`), `/CN=${escape(commonName)}`].join('');
}

async function issue(
  dir: string,
  name: string,
  subj: string,
  extensions: readonly string[],
  ca: CertPair
): Promise<CertPair> {
  const pair = { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
  const config = extensionConfig(dir, name, extensions);
  await openssl([
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    pair.key,
    '-out',
    pair.cert,
    '-subj',
    subj,
    '-days',
    '30',
    '-config',
    config,
    '-extensions',
    'ext',
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key
  ]);
  return pair;
}

export interface PkiRequest {
  readonly dir: string;
  /** DNS names and IPs the API server answers on (127.0.0.1, the first Service IP...). */
  readonly apiServerNames: readonly string[];
  readonly apiServerIps: readonly string[];
  readonly clients: readonly ClientIdentity[];
}

export async function createPki(request: PkiRequest): Promise<ClusterPki> {
  const { dir } = request;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = { cert: path.join(dir, 'ca.crt'), key: path.join(dir, 'ca.key') };
  const caConfig = extensionConfig(dir, 'ca', [
    'basicConstraints = critical, CA:TRUE',
    'keyUsage = critical, keyCertSign, cRLSign, digitalSignature',
    'subjectKeyIdentifier = hash'
  ]);
  await openssl([
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    ca.key,
    '-out',
    ca.cert,
    '-subj',
    '/CN=canary-action-sandbox-ca',
    '-days',
    '30',
    '-config',
    caConfig,
    '-extensions',
    'ext'
  ]);

  const leaf = [
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment'
  ];
  const altNames = [
    ...request.apiServerNames.map((n) => `DNS:${n}`),
    ...request.apiServerIps.map((ip) => `IP:${ip}`)
  ];
  const apiServer = await issue(
    dir,
    'apiserver',
    subject('kube-apiserver'),
    [...leaf, 'extendedKeyUsage = serverAuth', `subjectAltName = ${altNames.join(', ')}`],
    ca
  );
  const clients: Record<string, CertPair> = {};
  for (const client of request.clients)
    clients[client.file] = await issue(
      dir,
      client.file,
      subject(client.commonName, client.organizations),
      [...leaf, 'extendedKeyUsage = clientAuth'],
      ca
    );

  const serviceAccountKey = path.join(dir, 'service-account.key');
  const serviceAccountPublicKey = path.join(dir, 'service-account.pub');
  await openssl([
    'genpkey',
    '-algorithm',
    'RSA',
    '-pkeyopt',
    'rsa_keygen_bits:2048',
    '-out',
    serviceAccountKey
  ]);
  await openssl(['pkey', '-in', serviceAccountKey, '-pubout', '-out', serviceAccountPublicKey]);
  return { caCert: ca.cert, apiServer, clients, serviceAccountKey, serviceAccountPublicKey };
}
