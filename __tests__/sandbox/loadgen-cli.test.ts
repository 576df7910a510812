// The load generator's command line (used by the kind e2e workflow) against a real storefront.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startStorefront, stopAllStorefronts } from '../storefront/helpers.js';

const run = promisify(execFile);

afterAll(stopAllStorefronts);

describe('sandbox/loadgen/cli.ts', () => {
  it('sends shopper traffic for the given time and prints a summary', async () => {
    const { base } = await startStorefront();
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'sandbox/loadgen/cli.ts', '--url', base, '--rps', '30', '--seconds', '2'],
      { timeout: 20_000 }
    );
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(summary.sent).toBeGreaterThan(20);
    // startStorefront plays a canary pod: every answer names its track.
    expect(summary.tracks.canary.requests).toBe(summary.sent);
    expect(summary.tracks.canary.status5xx).toBe(0);
  });

  it('rejects a missing --url with the usage', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'sandbox/loadgen/cli.ts']).catch(
      (error) => error
    );
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/--url is required/);
  });
});
