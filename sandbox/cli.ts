// `npm run sandbox -- up [--json] | status | down`: the sandbox's real Kubernetes cluster on this machine.
//   up      starts it in the background; returns once the API server answers and the Node is Ready.
//           --json prints {"kubeconfig","ingress","prometheus","stateDir","kubernetesVersion"}.
//           --no-agent: control plane only (no Node). --state-dir DIR, --max-lifetime-minutes N (360).
//           --clusters N (1-4, default 1): N clusters side by side, one kubeconfig with contexts a, b...
//           (cluster-set.ts); --json then prints {"kubeconfig","actionKubeconfig","stateDir",
//           "kubernetesVersion","clusters":[{"context","ingress","prometheus","auditLog","nodeName","stateDir"}]}.
//   status  says what runs.
//   down    stops everything it started (every cluster of a set) and removes the sandbox's network namespaces.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readManifest } from './build/manifest.js';
import {
  launchClusterSet,
  parseClusterCount,
  readClusterSet,
  stopClusterSet
} from './control-plane/cluster-set.js';
import { processIsOurs, readDaemonState } from './control-plane/daemon-state.js';
import { defaultStateDir, launchSandbox, runningDaemon, stopDaemon } from './control-plane/launcher.js';
import { loadNodeAgent, nodeAgentAvailable } from './control-plane/node-agent-port.js';
import { httpGet } from './control-plane/kube-http.js';
import { parsePodCidr } from './node-agent/pod-cidr.js';

const USAGE =
  'usage: npm run sandbox -- up [--json] [--clusters N] [--no-agent] [--state-dir DIR] [--max-lifetime-minutes N] | status | down';

const OPTIONS = {
  json: { type: 'boolean', default: false },
  'no-agent': { type: 'boolean', default: false },
  'state-dir': { type: 'string' },
  'max-lifetime-minutes': { type: 'string', default: '360' },
  'node-name': { type: 'string' },
  'pod-cidr': { type: 'string' },
  clusters: { type: 'string' }
} as const;

/** The command line; an unknown flag or one without its value is a one-line error and the usage. */
function parseCommandLine(): ReturnType<
  typeof parseArgs<{ allowPositionals: true; options: typeof OPTIONS }>
> {
  try {
    return parseArgs({ allowPositionals: true, options: OPTIONS });
  } catch (error) {
    console.error(`sandbox: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const { values: args, positionals } = parseCommandLine();
const stateDir = path.resolve(args['state-dir'] ?? defaultStateDir);

/** Network namespaces and links of a sandbox whose agent died outlive it; remove them before starting. */
async function removeStaleNetworking(): Promise<void> {
  if (!nodeAgentAvailable()) return;
  const { cleanupStale } = await loadNodeAgent();
  if (!cleanupStale) return;
  const removed = await cleanupStale();
  if (removed.namespaces.length + removed.links.length > 0)
    console.error(`sandbox: removed stale ${[...removed.namespaces, ...removed.links].join(', ')}`);
}

/** A set's member still running in the state dir: a single cluster beside it would take its addresses. */
function runningSetMember(): string | undefined {
  const member = readClusterSet(stateDir)?.members.find((m) => runningDaemon(m.stateDir));
  return (
    member &&
    `cluster ${member.context} of a set is running in ${stateDir}; run \`npm run sandbox -- down\` first`
  );
}

async function up(): Promise<void> {
  readManifest(); // a named error before anything starts when the build is missing
  if (args['pod-cidr'] !== undefined) parsePodCidr(args['pod-cidr']); // likewise a malformed pod CIDR
  const clusters = parseClusterCount(args.clusters); // likewise a bad --clusters
  const maxLifetimeMinutes = Number(args['max-lifetime-minutes']);
  if (!(maxLifetimeMinutes > 0))
    throw new Error(
      `--max-lifetime-minutes: expected a positive number, got ${args['max-lifetime-minutes']}`
    );
  const setRunning = runningSetMember();
  if (setRunning) throw new Error(setRunning);
  await removeStaleNetworking();
  if (clusters > 1) return upSet(clusters, maxLifetimeMinutes);
  const started = Date.now();
  if (!args.json) console.error(`sandbox: starting in ${stateDir} (log: ${path.join(stateDir, 'logs')})`);
  const sandbox = await launchSandbox({
    stateDir,
    detached: true,
    withAgent: !args['no-agent'],
    maxLifetimeMinutes,
    nodeName: args['node-name'],
    podCidr: args['pod-cidr']
  });
  const { kubeconfig, ingress, prometheus, kubernetesVersion } = sandbox.info;
  if (args.json) {
    console.log(JSON.stringify({ kubeconfig, ingress, prometheus, stateDir, kubernetesVersion }));
    return;
  }
  console.log(
    `sandbox: up in ${((Date.now() - started) / 1000).toFixed(1)} s (Kubernetes ${kubernetesVersion})`
  );
  console.log(`  export KUBECONFIG=${kubeconfig}`);
  console.log(`  ingress:    ${ingress}`);
  console.log(`  prometheus: ${prometheus}`);
  console.log(
    `  stops by itself at ${readDaemonState(stateDir)?.stopsAt}; \`npm run sandbox -- down\` to stop now`
  );
}

/** `up --clusters N`: every cluster of the set, then one kubeconfig with a context for each. */
async function upSet(count: number, maxLifetimeMinutes: number): Promise<void> {
  const started = Date.now();
  if (!args.json) console.error(`sandbox: starting ${count} clusters in ${stateDir}`);
  const set = await launchClusterSet({
    stateDir,
    count,
    detached: true,
    withAgent: !args['no-agent'],
    maxLifetimeMinutes,
    nodeName: args['node-name'],
    podCidr: args['pod-cidr']
  });
  const clusters = set.members.map((m) => ({
    context: m.context,
    ingress: m.info.ingress,
    prometheus: m.info.prometheus,
    auditLog: m.info.auditLog,
    nodeName: m.info.nodeName,
    stateDir: m.stateDir
  }));
  const kubernetesVersion = set.members[0].info.kubernetesVersion;
  if (args.json) {
    const { kubeconfig, actionKubeconfig } = set;
    console.log(JSON.stringify({ kubeconfig, actionKubeconfig, stateDir, kubernetesVersion, clusters }));
    return;
  }
  console.log(
    `sandbox: ${count} clusters up in ${((Date.now() - started) / 1000).toFixed(1)} s (Kubernetes ${kubernetesVersion})`
  );
  console.log(
    `  export KUBECONFIG=${set.kubeconfig}   # contexts ${clusters.map((c) => c.context).join(', ')}`
  );
  for (const c of clusters)
    console.log(
      `  ${c.context}: ingress ${c.ingress}, prometheus ${c.prometheus}, node ${c.nodeName ?? '(none)'}`
    );
  console.log('  `npm run sandbox -- down` stops them all');
}

async function status(): Promise<void> {
  const set = readClusterSet(stateDir);
  if (set) {
    console.log(`sandbox: a set of ${set.members.length} clusters, kubeconfig ${set.kubeconfig}`);
    let running = 0;
    for (const member of set.members) {
      console.log(`cluster ${member.context} (${member.stateDir}):`);
      if (await daemonStatus(member.stateDir)) running++;
    }
    if (running < set.members.length) process.exitCode = 3;
    return;
  }
  if (!(await daemonStatus(stateDir))) process.exitCode = 3;
}

/** Prints what one daemon runs; false when it does not run. */
async function daemonStatus(dir: string): Promise<boolean> {
  const state = readDaemonState(dir);
  const daemon = runningDaemon(dir);
  if (!state || !daemon) {
    console.log(`sandbox: not running (${dir})${state ? `; last status: ${state.status}` : ''}`);
    if (state?.error) console.log(`  error: ${state.error}`);
    return false;
  }
  console.log(
    `sandbox: ${state.status}, daemon pid ${state.daemonPid}, started ${state.startedAt}, stops ${state.stopsAt}`
  );
  for (const p of state.processes)
    console.log(
      `  ${p.name.padEnd(24)} pid ${String(p.pid).padEnd(8)} ${processIsOurs(p.pid, p.command) ? 'running' : 'NOT RUNNING'}`
    );
  if (state.info) {
    const ingressAnswer = await httpGet(`${state.info.ingress}/`, undefined, 1000).then(
      (a) => `answers (${a.status})`,
      (e: Error) => `does not answer: ${e.message}`
    );
    console.log(`  kubeconfig ${state.info.kubeconfig}`);
    console.log(`  ingress    ${state.info.ingress} ${ingressAnswer}`);
    console.log(`  prometheus ${state.info.prometheus}`);
    console.log(`  node       ${state.info.nodeName ?? '(none: started with --no-agent)'}`);
  }
  return true;
}

async function down(): Promise<void> {
  const members = await stopClusterSet(stateDir);
  const stopped = await stopDaemon(stateDir);
  await removeStaleNetworking();
  if (members.length > 0) console.log(`sandbox: stopped clusters ${members.join(', ')} (${stateDir})`);
  else console.log(stopped ? `sandbox: stopped (${stateDir})` : `sandbox: was not running (${stateDir})`);
}

const commands: Record<string, () => Promise<void>> = { up, status, down };
const command = commands[positionals[0] ?? ''];
if (!command || positionals.length > 1) {
  console.error(USAGE);
  process.exitCode = 2;
} else {
  command().catch((error: unknown) => {
    console.error(`sandbox ${positionals[0]}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
