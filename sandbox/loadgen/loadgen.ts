// Steady Poisson traffic through the ingress: requests arrive at `rps` on average, each one the next
// step of some virtual shopper (browse/product/cart/checkout). Every answer is accounted per track from
// what the storefront answers (its X-Storefront-Track and X-Storefront-Release headers); an answer
// without them came from the gateway itself, not from a pod, and is classified: no route or no ready
// endpoint (404, 503) or no connection to the gateway at all is the routing's failure, which must stay 0
// through every weight and endpoint change; a pod that could not be reached or died mid-request
// (502, 504, a body cut short) is an upstream failure.
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { createSession, type OutgoingRequest, type Session, type SessionOptions } from './session.js';

/** Gateway answers (no storefront headers) that mean the request found no route or no ready endpoint. */
const ROUTING_STATUSES = new Set([404, 503]);

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Counters of one track (stable, canary, or unknown: answers no pod gave). */
export interface TrackCounts {
  requests: number;
  ok: number;
  status4xx: number;
  status5xx: number;
  upstreamFailures: number;
  routingFailures: number;
  checkouts: number;
  checkoutsFailed: number;
  /** Requests of internal users (the targeting headers). */
  targeted: number;
}

export interface Snapshot {
  readonly at: number;
  readonly sent: number;
  readonly tracks: Record<string, TrackCounts>;
}

export interface SecondBucket {
  at: number;
  stable: number;
  canary: number;
  failed: number;
}

export interface Failure {
  readonly at: string;
  readonly track: string;
  readonly outcome: Outcome;
  readonly detail: string;
  readonly path: string;
}

type Outcome = 'ok' | 'routing' | 'upstream';

export interface LoadOptions {
  /** The ingress's base URL. */
  readonly url: string;
  /** Mean arrival rate. */
  readonly rps: number;
  /** Stop after this long (default: until stop()). */
  readonly durationSeconds?: number;
  /** Stop after this many requests. */
  readonly maxRequests?: number;
  readonly seed?: number;
  /** Concurrent shoppers. */
  readonly maxSessions?: number;
  /** Per request. */
  readonly timeoutMs?: number;
  /** Host header (the Ingress host). */
  readonly host?: string;
  /** Which pod answered (default: the storefront's headers); podinfo.ts has podinfo's. */
  readonly identify?: Identify;
  /** What a shopper does (default: the storefront's browse/cart/checkout session). */
  readonly session?: (options: SessionOptions) => Session;
}

/** The track and release of the pod that answered, or undefined when no pod did (the gateway answered). */
export type Identify = (
  headers: IncomingHttpHeaders,
  body: string
) => { track: string; release: string } | undefined;

/** The storefront says who it is in its X-Storefront-Track and X-Storefront-Release headers. */
export const storefrontIdentity: Identify = (headers) =>
  headers['x-storefront-track'] === undefined
    ? undefined
    : { track: String(headers['x-storefront-track']), release: String(headers['x-storefront-release']) };

export interface Targeting {
  readonly share?: number;
  readonly headers?: Record<string, string>;
}

export interface LoadGenerator {
  start(): void;
  setRate(rps: number): void;
  /** e.g. { share: 0.2, headers: { 'x-canary': 'always' } }; applies to sessions started from now on. */
  setTargeting(next: Targeting): void;
  readonly running: boolean;
  readonly inFlight: number;
  /** Cumulative counters (copy); subtract two snapshots for a window. */
  snapshot(): Snapshot;
  perSecond(): SecondBucket[];
  failures(): Failure[];
  /** When a pod of each release last answered (ms since the epoch). */
  lastServedAt(): Record<string, number>;
  /** Stops sending and waits (bounded) for requests in flight. */
  stop(timeoutMs?: number): Promise<void>;
  /** Resolves when a run bounded by count or time has sent everything and heard back. */
  finished(): Promise<void>;
}

function emptyTrack(): TrackCounts {
  return {
    requests: 0,
    ok: 0,
    status4xx: 0,
    status5xx: 0,
    upstreamFailures: 0,
    routingFailures: 0,
    checkouts: 0,
    checkoutsFailed: 0,
    targeted: 0
  };
}

export function createLoadGenerator(options: LoadOptions): LoadGenerator {
  const { url, host } = options;
  const identify = options.identify ?? storefrontIdentity;
  const sessionOf = options.session ?? createSession;
  const random = mulberry32(options.seed ?? 1);
  const base = new URL(url);
  // Idle sockets close before the router's keep-alive timeout, so a reused socket is never a closed one.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128, timeout: 4000 });
  const maxSessions = options.maxSessions ?? 40;
  const timeoutMs = options.timeoutMs ?? 15000;
  const productIds: string[] = [];
  const idle: Session[] = [];
  const tracks: Record<string, TrackCounts> = {
    stable: emptyTrack(),
    canary: emptyTrack(),
    unknown: emptyTrack()
  };
  const perSecond = new Map<number, SecondBucket>(); // unix second -> { stable, canary, failed }
  const failures: Failure[] = [];
  const lastServedAt = new Map<string, number>(); // release -> when a pod of it last answered
  let rps = options.rps;
  /** Share of new sessions that are "internal users" with extra headers (e.g. X-Canary: always). */
  let targeting: Required<Targeting> = { share: 0, headers: {} };
  let sent = 0;
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let nextAt = 0;
  let stopAt = Infinity;
  let drained: Promise<void> | undefined;
  const waiters: Array<() => void> = [];

  function trackOf(name: string): TrackCounts {
    return tracks[name] ?? (tracks[name] = emptyTrack());
  }

  function bucket(): SecondBucket {
    const second = Math.floor(Date.now() / 1000);
    let b = perSecond.get(second);
    if (!b) {
      b = { at: second, stable: 0, canary: 0, failed: 0 };
      perSecond.set(second, b);
      if (perSecond.size > 3600) perSecond.delete(perSecond.keys().next().value!);
    }
    return b;
  }

  function newSession(): Session {
    const internal = random() < targeting.share;
    const session = sessionOf({ random, productIds, headers: internal ? targeting.headers : {} });
    session.internal = internal;
    return session;
  }

  function record(
    trackName: string,
    outcome: Outcome,
    request: OutgoingRequest,
    status: number,
    session: Session
  ): void {
    const t = trackOf(trackName);
    t.requests += 1;
    if (session.internal) t.targeted += 1;
    const b = bucket();
    if (trackName === 'stable' || trackName === 'canary') b[trackName] += 1;
    if (outcome === 'ok') {
      if (status >= 500) t.status5xx += 1;
      else if (status >= 400) t.status4xx += 1;
      else t.ok += 1;
      if (request.step === 'checkout') {
        if (status === 303) t.checkouts += 1;
        else if (status === 200) t.checkoutsFailed += 1; // the payment-failed page
      }
    } else if (outcome === 'routing') t.routingFailures += 1;
    else t.upstreamFailures += 1;
    if (outcome !== 'ok' || status >= 500) b.failed += 1;
  }

  function send(session: Session): void {
    const request = session.next();
    if (!request) return;
    inFlight += 1;
    sent += 1;
    const body = request.form ? Buffer.from(request.form) : undefined;
    const headers: Record<string, string> = { ...request.headers };
    if (host) headers.host = host;
    if (!headers.cookie) delete headers.cookie;
    if (body) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(body.length);
    }
    let settled = false;
    const finish = (
      trackName: string,
      outcome: Outcome,
      status: number,
      responseHeaders: IncomingHttpHeaders,
      text: string,
      detail = ''
    ): void => {
      if (settled) return;
      settled = true;
      inFlight -= 1;
      record(trackName, outcome, request, status, session);
      if (outcome !== 'ok') {
        failures.push({
          at: new Date().toISOString(),
          track: trackName,
          outcome,
          detail,
          path: request.path
        });
        if (failures.length > 500) failures.shift();
      }
      if (outcome === 'ok') session.observe({ request, status, headers: responseHeaders, body: text });
      if (session.done || outcome !== 'ok') {
        if (idle.length + inFlight < maxSessions) idle.push(newSession());
      } else idle.push(session);
      if (inFlight === 0) for (const w of waiters.splice(0)) w();
    };
    const req = http.request(
      { host: base.hostname, port: base.port, path: request.path, method: request.method, headers, agent },
      (res) => {
        // What the headers alone say, for an answer cut short; the body may say more at its end.
        const trackName = identify(res.headers, '')?.track ?? 'unknown';
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          const pod = identify(res.headers, text);
          if (!pod) {
            const outcome = ROUTING_STATUSES.has(status) ? 'routing' : 'upstream';
            return finish('unknown', outcome, status, res.headers, '', `gateway answered ${status}`);
          }
          lastServedAt.set(pod.release, Date.now());
          finish(pod.track, 'ok', status, res.headers, text);
        });
        // Headers came from an upstream; a body cut short is that upstream's failure.
        res.on('aborted', () => finish(trackName, 'upstream', 0, res.headers, '', 'response aborted'));
        res.on('error', () => finish(trackName, 'upstream', 0, res.headers, '', 'response error'));
      }
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish('unknown', 'routing', 0, {}, '', error.code ?? error.message)
    );
    req.end(body);
  }

  function fire(): void {
    if (!running) return;
    const now = Date.now();
    if (now >= stopAt || (options.maxRequests !== undefined && sent >= options.maxRequests)) {
      running = false;
      return;
    }
    // A generator that was held up (a blocked event loop) resumes at its rate instead of sending the
    // backlog at once: a stampede of new shoppers would all pin themselves to the same arm.
    if (now - nextAt > 1000) nextAt = now;
    // Shoppers beyond the pool leave; new ones (without cookies) keep arriving, so weight changes reach
    // new sessions within seconds even with cookie affinity.
    if (idle.length > maxSessions) idle.splice(0, idle.length - maxSessions);
    while (nextAt <= now) {
      if (options.maxRequests !== undefined && sent >= options.maxRequests) {
        running = false;
        return;
      }
      let session = idle.shift();
      if (!session && inFlight < maxSessions * 4) session = newSession();
      if (session) send(session);
      nextAt += (-Math.log(1 - random()) / rps) * 1000;
    }
    timer = setTimeout(fire, Math.max(0, nextAt - Date.now()));
  }

  return {
    start() {
      if (running) return;
      running = true;
      nextAt = Date.now();
      if (options.durationSeconds !== undefined) stopAt = Date.now() + options.durationSeconds * 1000;
      fire();
    },
    setRate(next) {
      rps = next;
    },
    /** e.g. { share: 0.2, headers: { 'x-canary': 'always' } }; applies to sessions started from now on. */
    setTargeting(next) {
      targeting = { share: next.share ?? 0, headers: next.headers ?? {} };
      idle.splice(0);
    },
    get running() {
      return running;
    },
    get inFlight() {
      return inFlight;
    },
    /** Cumulative counters (copy); subtract two snapshots for a window. */
    snapshot() {
      return { at: Date.now(), sent, tracks: structuredClone(tracks) };
    },
    perSecond: () => [...perSecond.values()],
    /** When a pod of each release last answered (ms since the epoch). */
    lastServedAt: () => Object.fromEntries(lastServedAt),
    failures: () => failures.slice(),
    /** Stops sending and waits (bounded) for requests in flight. */
    async stop(timeout = 20000) {
      running = false;
      clearTimeout(timer);
      if (inFlight > 0) {
        drained ??= new Promise<void>((resolve) => {
          const t = setTimeout(resolve, timeout);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
        await drained;
      }
      agent.destroy();
    },
    /** Resolves when a run bounded by count or time has sent everything and heard back. */
    async finished() {
      while (running) await new Promise((r) => setTimeout(r, 50));
      if (inFlight > 0) await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
}

/** Difference of two snapshots, per track. */
export function diffSnapshots(
  before: Snapshot,
  after: Snapshot
): { seconds: number; sent: number; tracks: Record<string, TrackCounts> } {
  const out: Record<string, TrackCounts> = {};
  for (const [name, t] of Object.entries(after.tracks)) {
    const b: Partial<TrackCounts> = before.tracks[name] ?? {};
    out[name] = Object.fromEntries(
      Object.entries(t).map(([k, v]) => [k, v - (b[k as keyof TrackCounts] ?? 0)])
    ) as unknown as TrackCounts;
  }
  return { seconds: (after.at - before.at) / 1000, sent: after.sent - before.sent, tracks: out };
}
