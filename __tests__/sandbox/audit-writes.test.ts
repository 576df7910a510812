import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countActionWrites } from '../../sandbox/demo/audit-writes.js';

const event = (user: string, verb: string, at: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    kind: 'Event',
    stage: 'ResponseComplete',
    verb,
    user: { username: user },
    requestURI: '/api/v1/namespaces/default/secrets',
    objectRef: { resource: 'secrets', namespace: 'default', name: 'sh.helm.release.v1.storefront-canary.v1' },
    requestReceivedTimestamp: at,
    ...extra
  });

describe('countActionWrites', () => {
  it("counts the action's write requests in the window, and nobody else's", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'audit-')), 'audit.log');
    fs.writeFileSync(
      file,
      [
        event('canary-action', 'create', '2026-12-01T12:00:01.000001Z'),
        event('canary-action', 'patch', '2026-12-01T12:00:02.5Z', { requestURI: '/apis/x?dryRun=All' }),
        event('canary-action', 'create', '2026-12-01T12:00:02.5Z', { stage: 'ResponseStarted' }),
        event('canary-action', 'get', '2026-12-01T12:00:03Z'),
        event('canary-action', 'delete', '2026-12-01T12:05:00Z'),
        event('sandbox-admin', 'create', '2026-12-01T12:00:02Z'),
        event('system:kube-controller-manager', 'update', '2026-12-01T12:00:02Z'),
        ''
      ].join('\n')
    );
    const found = countActionWrites(
      file,
      'canary-action',
      Date.parse('2026-12-01T12:00:00Z'),
      Date.parse('2026-12-01T12:01:00Z')
    );
    expect(found.writes).toBe(2);
    expect(found.byVerb).toEqual({ create: 1, patch: 1 });
    expect(found.requests).toEqual([
      'create secrets default/sh.helm.release.v1.storefront-canary.v1',
      'patch secrets default/sh.helm.release.v1.storefront-canary.v1 (dry run)'
    ]);
  });

  it('a missing audit log is an error, never 0', () => {
    expect(() => countActionWrites('/nonexistent/audit.log', 'canary-action', 0, 1)).toThrow(/no audit log/);
  });
});
