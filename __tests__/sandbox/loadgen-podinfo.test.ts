// The load generator's podinfo mode: which arm answered, from the HOSTNAME in podinfo's /env answer.
import { describe, expect, test } from '@jest/globals';
import { podinfoIdentity, podinfoSession } from '../../sandbox/loadgen/podinfo.js';

const env = (hostname: string) => JSON.stringify(['PATH=/usr/bin', `HOSTNAME=${hostname}`]);

describe('podinfo load', () => {
  test("the canary's pods are told from stable's although both start with stable's name", () => {
    const identify = podinfoIdentity('podinfo');
    expect(identify({}, env('podinfo-canary-5c8d7f9b4-qq7zp'))).toEqual({
      track: 'canary',
      release: 'podinfo-canary'
    });
    expect(identify({}, env('podinfo-7d9f8c6b5d-x2k4q'))).toEqual({ track: 'stable', release: 'podinfo' });
    const plain = podinfoIdentity('plain-web', 'plain-canary-web');
    expect(plain({}, env('plain-canary-web-5c8d7f9b4-qq7zp'))?.track).toBe('canary');
    expect(plain({}, env('plain-web-5c8d7f9b4-qq7zp'))?.track).toBe('stable');
  });

  test('an answer that is not podinfo (the gateway, an injected error) is no pod', () => {
    const identify = podinfoIdentity('podinfo');
    expect(identify({}, '404 page not found')).toBeUndefined();
    expect(identify({}, '')).toBeUndefined();
    expect(identify({}, env('other-5c8d7f9b4-qq7zp'))).toBeUndefined();
  });

  test('a visitor asks GET /env once', () => {
    const session = podinfoSession({
      random: Math.random,
      productIds: [],
      headers: { 'x-canary': 'always' }
    });
    expect(session.next()).toEqual({
      method: 'GET',
      path: '/env',
      step: 'browse',
      headers: { 'x-canary': 'always' }
    });
    expect(session.done).toBe(true);
    expect(session.next()).toBeUndefined();
  });
});
