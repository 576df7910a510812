// Alerts against a real HTTP server on 127.0.0.1 that records what it receives.
import { jest } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeCoreMock } from './core-mock.js';
import { fixture } from './records.js';

const core = makeCoreMock();
jest.unstable_mockModule('@actions/core', () => core.mock);
const { AlertReporter } = await import('../../src/report/alerts.js');

interface Received {
  method: string;
  url: string;
  contentType: string;
  body: any;
}

interface Recorder {
  received: Received[];
  base: string;
  close(): Promise<void>;
}

async function startServer(status = 200): Promise<Recorder> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: String(req.headers['content-type']),
        body: JSON.parse(Buffer.concat(chunks).toString('utf8'))
      });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'invalid_token');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  };
}

let server: Recorder;
beforeEach(async () => {
  core.reset();
  server = await startServer();
});
afterEach(async () => server.close());

const SLACK_PATH = '/services/T000/B000/s3cr3t-slack-token';
const HOOK_PATH = '/hooks/canary?key=s3cr3t-hook-key';

function everythingLogged(): string {
  return [...core.calls.warnings, ...core.calls.infos, ...core.calls.errors.map((e) => e.message)].join('\n');
}

test('a rollback posts a Slack message and a generic JSON body, and the URLs are masked, never logged', async () => {
  const record = fixture('rolled-back');
  const alerts = new AlertReporter({
    slackWebhookUrl: server.base + SLACK_PATH,
    webhookUrl: server.base + HOOK_PATH,
    now: () => Date.parse('2025-11-20T15:00:00Z')
  });
  expect(core.calls.secrets).toEqual([server.base + SLACK_PATH, server.base + HOOK_PATH]);

  await alerts.start(record);
  await alerts.update(record);
  expect(server.received).toHaveLength(0);

  await alerts.finish(record);
  await alerts.finish(record);
  expect(server.received).toHaveLength(2);
  const slack = server.received.find((r) => r.url === SLACK_PATH)!;
  const hook = server.received.find((r) => r.url === HOOK_PATH)!;

  expect(slack.method).toBe('POST');
  expect(slack.contentType).toMatch(/application\/json/);
  expect(slack.body.text).toBe(
    ':rotating_light: Canary storefront v2.5.0 rolled back: Rolled back at 25% after 1m20s: 5xx rate 3% vs 0.44% on stable'
  );
  expect(slack.body.blocks[0]).toEqual({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: ':rotating_light: *Rolled back at 25% after 1m20s: 5xx rate 3% vs 0.44% on stable*'
    }
  });
  const fields = slack.body.blocks[1].fields.map((f: { text: string }) => f.text);
  expect(fields).toEqual([
    '*Release*\n`storefront` in `shop`',
    '*Version*\nv2.4.0 → v2.5.0',
    '*Decision*\nrolled back',
    '*Canary weight now*\n0%'
  ]);
  expect(slack.body.blocks[2].text.text).toBe(`*Reason*\n${record.reason}`);
  expect(slack.body.blocks[3].elements[0].text).toContain(`<${record.run!.url}|Workflow run>`);

  expect(hook.body).toEqual({
    release: 'storefront',
    canaryRelease: 'storefront-canary',
    namespace: 'shop',
    version: 'v2.5.0',
    previousVersion: 'v2.4.0',
    decision: 'rolled-back',
    reason: record.reason,
    finalWeight: 0,
    runUrl: record.run!.url,
    at: record.finishedAt,
    title: 'Rolled back at 25% after 1m20s: 5xx rate 3% vs 0.44% on stable'
  });
  expect(core.calls.warnings).toEqual([]);
  expect(everythingLogged()).not.toContain('s3cr3t');
});

test.each([
  ['healthy', 'promoted'],
  ['failed', 'failed'],
  ['paused', 'paused']
] as const)('%s posts (%s)', async (name, decision) => {
  const alerts = new AlertReporter({ webhookUrl: server.base + HOOK_PATH });
  await alerts.finish(fixture(name));
  expect(server.received.map((r) => r.body.decision)).toEqual([decision]);
});

test('a cancelled rollout and a record without a decision post nothing', async () => {
  const alerts = new AlertReporter({ webhookUrl: server.base + HOOK_PATH });
  const { decision: _d, ...inProgress } = fixture('healthy');
  await alerts.finish(inProgress);
  await alerts.finish(fixture('cancelled'));
  expect(server.received).toHaveLength(0);
});

test('Slack escapes &, < and > in text it did not write', async () => {
  const record = { ...fixture('failed'), reason: 'values <bad> & worse' };
  const alerts = new AlertReporter({ slackWebhookUrl: server.base + SLACK_PATH });
  await alerts.finish(record);
  expect(server.received[0].body.blocks[2].text.text).toBe('*Reason*\nvalues &lt;bad&gt; &amp; worse');
});

test('a failing server becomes a warning, never a failure, and the URL stays out of it', async () => {
  const failing = await startServer(500);
  try {
    const alerts = new AlertReporter({
      slackWebhookUrl: failing.base + SLACK_PATH,
      webhookUrl: failing.base + HOOK_PATH
    });
    await expect(alerts.finish(fixture('rolled-back'))).resolves.toBeUndefined();
    expect(failing.received).toHaveLength(2);
    expect(core.calls.warnings.sort()).toEqual([
      'Slack alert was not delivered (HTTP 500); the rollout is not affected.',
      'Webhook alert was not delivered (HTTP 500); the rollout is not affected.'
    ]);
    expect(everythingLogged()).not.toContain('s3cr3t');
  } finally {
    await failing.close();
  }
});

test('a server that is gone becomes a warning too', async () => {
  const gone = await startServer();
  const url = gone.base + HOOK_PATH;
  await gone.close();
  const alerts = new AlertReporter({ webhookUrl: url, timeoutMs: 2000 });
  await expect(alerts.finish(fixture('healthy'))).resolves.toBeUndefined();
  expect(core.calls.warnings).toEqual([
    'Webhook alert was not delivered (ECONNREFUSED); the rollout is not affected.'
  ]);
  expect(everythingLogged()).not.toContain('s3cr3t');
});
