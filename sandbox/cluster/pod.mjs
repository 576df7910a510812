// One pod = one local process, playing the kubelet's part: start the container's entry point with its
// env, probe readiness over HTTP, restart a crashed container with CrashLoopBackOff delays, and stop
// it gracefully (out of rotation, drain, SIGTERM, SIGKILL after the grace period).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';

const BACKOFF_START_MS = 10000; // kubelet's CrashLoopBackOff: 10 s, doubling, capped at 5 min
const BACKOFF_MAX_MS = 300000;

function probe(port, path, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) >= 200 && (res.statusCode ?? 500) < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/**
 * @param {object} spec
 * @param {string} spec.name pod name
 * @param {string} spec.namespace
 * @param {Record<string,string>} spec.labels
 * @param {string | undefined} spec.entry script to run with node, or undefined when the image is unknown
 * @param {string} spec.image
 * @param {Record<string,string>} spec.env container env (PORT is replaced by the pod's port)
 * @param {number} spec.port loopback port given to the process
 * @param {string} spec.readinessPath
 * @param {number} spec.graceSeconds terminationGracePeriodSeconds
 * @param {number} spec.preStopSeconds pause between leaving rotation and SIGTERM
 * @param {string} spec.logFile
 * @param {(pod: Pod) => void} spec.onChange called on every state change
 * @param {(pod: Pod) => Promise<void>} spec.drain resolves when the router has no requests in flight to it
 */
export function createPod(spec) {
  let child;
  let ready = false;
  let phase = 'Pending'; // Pending | Running | CrashLoopBackOff | ImagePullBackOff | Terminating | Gone
  let restarts = 0;
  let probeTimer;
  let restartTimer;
  let stopping;
  let lastExit;
  const startedAt = new Date().toISOString();

  const pod = {
    ...spec,
    startedAt,
    get ready() {
      return ready;
    },
    get phase() {
      return phase;
    },
    get restarts() {
      return restarts;
    },
    get alive() {
      return Boolean(child) && child.exitCode === null && child.signalCode === null;
    },
    get lastExit() {
      return lastExit;
    },
    start,
    stop,
    describe() {
      return {
        name: spec.name,
        namespace: spec.namespace,
        labels: spec.labels,
        image: spec.image,
        port: spec.port,
        phase,
        ready,
        restarts,
        pid: child?.pid ?? null,
        startedAt,
        lastExit: lastExit ?? null
      };
    }
  };

  function setReady(value) {
    if (ready === value) return;
    ready = value;
    spec.onChange(pod);
  }

  function scheduleProbe(delayMs) {
    clearTimeout(probeTimer);
    probeTimer = setTimeout(runProbe, delayMs);
  }

  async function runProbe() {
    if (!pod.alive || stopping) return;
    const ok = await probe(spec.port, spec.readinessPath);
    if (!pod.alive || stopping) return;
    setReady(ok);
    scheduleProbe(ok ? 1000 : 250);
  }

  function start() {
    if (!spec.entry) {
      phase = 'ImagePullBackOff';
      spec.onChange(pod);
      return;
    }
    const out = fs.openSync(spec.logFile, 'a');
    child = spawn(process.execPath, [spec.entry], {
      env: { ...process.env, ...spec.env, PORT: String(spec.port), HOST: '127.0.0.1' },
      stdio: ['ignore', out, out]
    });
    fs.closeSync(out);
    phase = 'Running';
    spec.onChange(pod);
    scheduleProbe(150);
    child.once('exit', (code, signal) => {
      lastExit = { code, signal, at: new Date().toISOString() };
      clearTimeout(probeTimer);
      ready = false;
      if (stopping) return;
      // The container died on its own: the kubelet restarts it after a growing back-off.
      phase = 'CrashLoopBackOff';
      spec.onChange(pod);
      const delay = Math.min(BACKOFF_START_MS * 2 ** restarts, BACKOFF_MAX_MS);
      restarts += 1;
      restartTimer = setTimeout(start, delay);
    });
  }

  function stop() {
    if (stopping) return stopping;
    stopping = (async () => {
      clearTimeout(restartTimer);
      clearTimeout(probeTimer);
      phase = 'Terminating';
      ready = false;
      spec.onChange(pod); // out of the endpoints first, as the endpoints controller does
      await spec.drain(pod);
      if (spec.preStopSeconds > 0) await new Promise((r) => setTimeout(r, spec.preStopSeconds * 1000));
      if (pod.alive) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), spec.graceSeconds * 1000);
        await exited;
        clearTimeout(killer);
      }
      phase = 'Gone';
      spec.onChange(pod);
    })();
    return stopping;
  }

  return pod;
}

/** Kills a pod's process at once (daemon exit path). */
export function killNow(pod) {
  if (pod.alive) {
    try {
      process.kill(pod.describe().pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
