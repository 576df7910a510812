// Graceful shutdown: readiness drops first, in-flight requests finish, the real process exits 0 on SIGTERM.
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sample, startStorefront, stopAllStorefronts } from './helpers.js';

const serverJs = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../app/storefront/src/server.js'
);
const children: ChildProcess[] = [];

afterEach(async () => {
  await stopAllStorefronts();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('in-process shutdown', () => {
  it('answers /readyz 503 while draining, keeps liveness, then stops listening', async () => {
    const { base, storefront } = await startStorefront({ shutdownDrainMs: 1500 });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const stopped = storefront.stop();
    const draining = await fetch(`${base}/readyz`);
    expect(draining.status).toBe(503);
    expect(await draining.text()).toBe('shutting down\n');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await expect(stopped).resolves.toEqual({ forced: false });
    expect(storefront.server.listening).toBe(false);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

async function waitForInFlight(base: string) {
  for (;;) {
    const text = await (await fetch(`${base}/metrics`)).text();
    if (sample(text, 'http_requests_in_flight') === 1) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('in-process shutdown timeout', () => {
  it('cuts connections still busy after shutdownTimeoutMs and reports the stop as forced', async () => {
    const { base, storefront } = await startStorefront({
      shutdownTimeoutMs: 100,
      faults: { latencyMs: 5000 }
    });
    const slow = fetch(`${base}/`);
    slow.catch(() => {});
    await waitForInFlight(base);
    await expect(storefront.stop()).resolves.toEqual({ forced: true });
    await expect(slow).rejects.toThrow();
  });
});

describe('the server process', () => {
  function startProcess(env: Record<string, string>) {
    const child = spawn(process.execPath, [serverJs], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', STARTUP_DELAY_MS: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    children.push(child);
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const listening = new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const port = /"msg":"listening".*"port":(\d+)/.exec(output)?.[1];
        if (port) resolve(`http://127.0.0.1:${port}`);
      });
      child.once('exit', (code) =>
        reject(new Error(`storefront exited (${code}) before listening: ${output}`))
      );
    });
    return { child, listening, exited, output: () => output };
  }

  it('finishes an in-flight slow request on SIGTERM and exits 0', async () => {
    const server = startProcess({ FAULT_LATENCY_MS: '1500', APP_VERSION: '3.1.0' });
    const base = await server.listening;
    const slow = fetch(`${base}/`).then(async (r) => ({ status: r.status, body: await r.text() }));

    // Wait until the server really holds the request (scrapes are never delayed by the fault).
    await waitForInFlight(base);
    server.child.kill('SIGTERM');

    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<span id="version">3.1.0</span>');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"SIGTERM: shutting down"');
    expect(server.output()).toContain('"msg":"stopped","forced":false');
  });

  it('exits 1 FAULT_CRASH_AFTER_SECONDS after start-up', async () => {
    const server = startProcess({ FAULT_CRASH_AFTER_SECONDS: '0.2' });
    await server.listening;
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('crashing on purpose');
  });

  it('refuses to start on an invalid fault setting, naming the variable', async () => {
    const child = spawn(process.execPath, [serverJs], {
      env: { ...process.env, PORT: '0', FAULT_CHECKOUT_FAILURE_RATE: '2' },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('FAULT_CHECKOUT_FAILURE_RATE="2" is invalid');
  });
});
