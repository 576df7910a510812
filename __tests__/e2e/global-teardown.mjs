// jest globalTeardown: stops the sandbox cluster the end-to-end suites shared (run-demo.ts
// sharedCluster), if this jest run started it: another jest run at the same time (one unit test file,
// say) leaves it alone. Plain JavaScript, because jest loads it outside its transform. The daemon stops
// everything it started and removes its network namespaces on SIGTERM.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The same keys as run-demo.ts: this checkout's cluster only.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const checkoutKey = createHash('sha1').update(repoRoot).digest('hex');
const stateDir = path.join(os.tmpdir(), `canary-action-e2e-cluster-${checkoutKey.slice(0, 8)}`);
const ownerFile = `${stateDir}.owner`;

function startedByThisRun() {
  try {
    return JSON.parse(fs.readFileSync(ownerFile, 'utf8')).includes(process.pid);
  } catch {
    return false;
  }
}

function daemonPid() {
  try {
    const { daemonPid: pid } = JSON.parse(fs.readFileSync(path.join(stateDir, 'daemon.json'), 'utf8'));
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('sandbox/daemon.ts') ? pid : undefined;
  } catch {
    return undefined;
  }
}

export default async function stopSharedCluster() {
  const pid = daemonPid();
  if (!pid || !startedByThisRun()) return;
  fs.rmSync(ownerFile, { force: true });
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + 60_000;
  while (daemonPid() === pid && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
  if (daemonPid() === pid) process.kill(pid, 'SIGKILL');
  removeClusterState(stateDir);
}

/**
 * The stopped cluster's etcd data, certificates and logs (about 100 MB) go too, unless
 * KEEP_E2E_CLUSTER_STATE=1 asks to keep them for a look at the control plane's logs.
 */
export function removeClusterState(dir) {
  if (process.env.KEEP_E2E_CLUSTER_STATE !== '1') fs.rmSync(dir, { recursive: true, force: true });
}
