// The sandbox daemon: starts the cluster (control-plane/cluster.ts), records it in daemon.json, and
// keeps it running until SIGTERM/SIGINT, until the process that started it dies (--parent-pid), or
// until its maximum lifetime ends. Started by `sandbox up` (detached) or by tests (attached).
//   node --import tsx sandbox/daemon.ts --state-dir DIR [--parent-pid PID] [--max-lifetime-minutes N]
//        [--no-agent] [--node-name NAME] [--pod-cidr CIDR] [--scrape-interval SECONDS]
import { parseArgs } from 'node:util';
import { manifestPath, readManifest } from './build/manifest.js';
import { startCluster, type RunningCluster } from './control-plane/cluster.js';
import { writeDaemonState, type DaemonState } from './control-plane/daemon-state.js';
import { parsePodCidr } from './node-agent/pod-cidr.js';

const { values: args } = parseArgs({
  options: {
    'state-dir': { type: 'string' },
    'parent-pid': { type: 'string' },
    'max-lifetime-minutes': { type: 'string', default: '360' },
    'no-agent': { type: 'boolean', default: false },
    'node-name': { type: 'string', default: 'sandbox-node' },
    'pod-cidr': { type: 'string', default: '10.244.0.0/24' },
    'scrape-interval': { type: 'string', default: '1' }
  }
});

const stateDir = args['state-dir'];
if (!stateDir) throw new Error('daemon: --state-dir is required');
const maxLifetimeMs = Number(args['max-lifetime-minutes']) * 60_000;
if (!(maxLifetimeMs > 0))
  throw new Error(
    `daemon: --max-lifetime-minutes must be a positive number, got ${args['max-lifetime-minutes']}`
  );
const parentPid = args['parent-pid'] ? Number(args['parent-pid']) : undefined;
parsePodCidr(args['pod-cidr']); // a named error before anything starts
const log = (line: string): void => console.log(`${new Date().toISOString()} ${line}`);

const startedAt = new Date().toISOString();
const base: Omit<DaemonState, 'status'> = {
  daemonPid: process.pid,
  startedAt,
  stopsAt: new Date(Date.now() + maxLifetimeMs).toISOString(),
  processes: []
};
let cluster: RunningCluster | undefined;
let stopping: Promise<void> | undefined;
let failure: string | undefined;

function record(status: DaemonState['status'], extra: Partial<DaemonState> = {}): void {
  const processes = (cluster?.processes ?? []).map((p) => ({
    name: p.spec.name,
    pid: p.pid ?? -1,
    command: p.spec.command,
    logFile: p.spec.logFile
  }));
  writeDaemonState(stateDir!, { ...base, status, processes, info: cluster?.info, error: failure, ...extra });
}

function shutdown(reason: string, exitCode = 0): Promise<void> {
  stopping ??= (async () => {
    log(`stopping: ${reason}`);
    record('stopping');
    await cluster?.stop();
    record('stopped');
    log('stopped');
    process.exit(exitCode);
  })();
  return stopping;
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
  process.on(signal, () => void shutdown(signal));
setTimeout(
  () => void shutdown(`maximum lifetime of ${args['max-lifetime-minutes']} minutes reached`),
  maxLifetimeMs
).unref();
if (parentPid !== undefined) {
  // When the parent dies the kernel re-parents us; polling ppid is the portable way to notice.
  setInterval(() => {
    if (process.ppid !== parentPid) void shutdown(`parent process ${parentPid} is gone`);
  }, 1000).unref();
}

record('starting');
try {
  const started = Date.now();
  cluster = await startCluster({
    stateDir,
    manifest: readManifest(),
    manifestPath,
    nodeName: args['node-name'],
    podCidr: args['pod-cidr'],
    withAgent: !args['no-agent'],
    scrapeIntervalSeconds: Number(args['scrape-interval']),
    log
  });
  record('ready');
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(cluster.info)}`);
  // Any control-plane process dying later is fatal: say which, stop the rest.
  setInterval(() => {
    const dead = cluster?.processes.find((p) => !p.running);
    if (dead && !stopping) {
      failure = dead.describeExit();
      record('failed');
      void shutdown(failure, 1);
    }
  }, 1000);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  log(`failed: ${message}`);
  failure = message;
  record('failed');
  process.exit(1);
}
