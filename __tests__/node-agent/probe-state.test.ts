import { crashLoopDelayMs } from '../../sandbox/node-agent/backoff.js';
import { probeTiming, ProbeTracker } from '../../sandbox/node-agent/probe-state.js';

describe('probeTiming', () => {
  it("fills in the API's defaults", () => {
    expect(probeTiming({ httpGet: { path: '/', port: 80 } })).toEqual({
      initialDelayMs: 0,
      periodMs: 10_000,
      timeoutMs: 1000,
      successThreshold: 1,
      failureThreshold: 3
    });
  });

  it('takes the declared values in seconds', () => {
    const timing = probeTiming({
      initialDelaySeconds: 4,
      periodSeconds: 5,
      timeoutSeconds: 2,
      successThreshold: 2,
      failureThreshold: 6
    });
    expect(timing).toEqual({
      initialDelayMs: 4000,
      periodMs: 5000,
      timeoutMs: 2000,
      successThreshold: 2,
      failureThreshold: 6
    });
  });
});

describe('ProbeTracker', () => {
  it('readiness starts failed and passes after successThreshold successes in a row', () => {
    const tracker = new ProbeTracker('readiness', { successThreshold: 2, failureThreshold: 3 });
    expect(tracker.result).toBe(false);
    expect(tracker.record(true)).toBe(false);
    expect(tracker.record(false)).toBe(false);
    expect(tracker.record(true)).toBe(false);
    expect(tracker.record(true)).toBe(true);
    expect(tracker.result).toBe(true);
  });

  it('fails only after failureThreshold failures in a row; a success in between resets the count', () => {
    const tracker = new ProbeTracker('readiness', { successThreshold: 1, failureThreshold: 2 });
    tracker.record(true);
    expect(tracker.record(false)).toBe(false);
    expect(tracker.record(true)).toBe(false);
    expect(tracker.record(false)).toBe(false);
    expect(tracker.result).toBe(true);
    expect(tracker.record(false)).toBe(true);
    expect(tracker.result).toBe(false);
  });

  it('liveness starts passed, so a slow first answer does not kill the container', () => {
    const tracker = new ProbeTracker('liveness', { successThreshold: 1, failureThreshold: 3 });
    expect(tracker.result).toBe(true);
    tracker.record(false);
    tracker.record(false);
    expect(tracker.result).toBe(true);
    expect(tracker.record(false)).toBe(true);
    expect(tracker.result).toBe(false);
  });

  it('reset returns to the state before the first probe', () => {
    const tracker = new ProbeTracker('readiness', { successThreshold: 1, failureThreshold: 1 });
    tracker.record(true);
    tracker.reset();
    expect(tracker.result).toBe(false);
  });
});

describe('crashLoopDelayMs', () => {
  it('starts at 10 s and doubles up to the sandbox cap of 40 s', () => {
    expect([0, 1, 2, 3, 4, 10].map(crashLoopDelayMs)).toEqual([
      10_000, 20_000, 40_000, 40_000, 40_000, 40_000
    ]);
  });
});
