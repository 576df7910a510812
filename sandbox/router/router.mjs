// The sandbox's ingress controller: an HTTP reverse proxy on a loopback port that routes like
// ingress-nginx with canary annotations. Weights are followed exactly (deterministic choice), header
// and cookie targeting win over the weight, and endpoint changes never fail a request in flight:
// an endpoint leaves the rotation first, its in-flight requests finish, and only then is it stopped.
import http from 'node:http';
import { createWeightedChooser } from './weighted-choice.mjs';
import { readCookie, targetedTrack } from './targeting.mjs';

const MAX_BODY_BYTES = 1024 * 1024;
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer'
]);
/** Failure classes the router reports in `x-sandbox-error`; the first two are the router's own fault. */
export const ROUTING_FAILURES = new Set(['no-route', 'no-endpoints', 'upstream-terminating', 'router-error']);

function routeKey(route) {
  return `${route.host ?? '*'}${route.path ?? '/'}`;
}

function pickRoute(routes, hostHeader, pathname) {
  const host = (hostHeader ?? '').replace(/:\d+$/, '').toLowerCase();
  const byHost = routes.filter((r) => r.host && r.host.toLowerCase() === host);
  // Clients of the sandbox call 127.0.0.1:port; with no host match, any route serves.
  const candidates = byHost.length > 0 ? byHost : routes;
  let best;
  for (const route of candidates) {
    const path = route.path ?? '/';
    if (!pathname.startsWith(path)) continue;
    if (!best || path.length > (best.path ?? '/').length) best = route;
  }
  return best;
}

/**
 * @param {{ log?: (event: object) => void }} [options]
 */
export function createRouter(options = {}) {
  const log = options.log ?? (() => {});
  /** @type {Array<any>} */
  let routes = [];
  const choosers = new Map(); // route key -> { weight, chooser }
  const roundRobin = new Map(); // backend key -> counter
  const agents = new Map(); // endpoint id -> http.Agent (keep-alive per endpoint)
  const inFlight = new Map(); // endpoint id -> count
  const drainWaiters = new Map(); // endpoint id -> [resolve]
  const terminating = new Set(); // endpoint ids told to stop
  const weightLog = [];
  const served = {}; // `${release}|${track}|${reason}` -> count
  const lastServedAt = {}; // release -> ms
  const failures = {}; // class -> count
  const lastWeights = new Map(); // route key -> JSON of what the weight log last said

  function agentFor(endpoint) {
    let agent = agents.get(endpoint.id);
    if (!agent) {
      agent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });
      agents.set(endpoint.id, agent);
    }
    return agent;
  }

  function chooserFor(route) {
    const key = routeKey(route);
    const weight = route.canary ? route.canary.weight : 0;
    const total = route.canary?.total ?? 100;
    let entry = choosers.get(key);
    if (!entry || entry.weight !== weight || entry.total !== total) {
      entry = { weight, total, chooser: createWeightedChooser(weight, total) };
      choosers.set(key, entry);
    }
    return entry.chooser;
  }

  function pickEndpoint(backend, exclude) {
    const live = backend.endpoints.filter((e) => !exclude.has(e.id) && !terminating.has(e.id));
    if (live.length === 0) return undefined;
    const n = roundRobin.get(backend.key) ?? 0;
    roundRobin.set(backend.key, n + 1);
    return live[n % live.length];
  }

  /** Which backend and why: targeting, then session affinity, then the weight. */
  function decide(route, req) {
    const canary = route.canary;
    const canaryUsable = canary && canary.backend.endpoints.some((e) => !terminating.has(e.id));
    if (canary) {
      const target = targetedTrack(req.headers, canary);
      // ingress-nginx falls back to the main backend when the canary has no endpoints.
      if (target === 'canary' && canaryUsable) return { backend: canary.backend, reason: 'targeted' };
      if (target === 'stable') return { backend: route.stable, reason: 'targeted' };
    }
    if (route.affinity) {
      const pinned = readCookie(req.headers.cookie, route.affinity.cookieName);
      if (pinned) {
        for (const backend of canaryUsable ? [route.stable, canary.backend] : [route.stable]) {
          const endpoint = backend.endpoints.find((e) => e.id === pinned && !terminating.has(e.id));
          if (endpoint) return { backend, endpoint, reason: 'affinity' };
        }
      }
    }
    if (canary) {
      const toCanary = chooserFor(route).next();
      if (toCanary && canaryUsable) return { backend: canary.backend, reason: 'weight' };
    }
    return { backend: route.stable, reason: 'weight' };
  }

  function finishInFlight(id) {
    const left = (inFlight.get(id) ?? 1) - 1;
    inFlight.set(id, left);
    if (left <= 0) {
      inFlight.delete(id);
      for (const resolve of drainWaiters.get(id) ?? []) resolve();
      drainWaiters.delete(id);
    }
  }

  function fail(res, status, failureClass, extra = {}) {
    failures[failureClass] = (failures[failureClass] ?? 0) + 1;
    if (res.headersSent) return res.destroy();
    const body = `${status} ${failureClass}\n`;
    res.writeHead(status, {
      'content-type': 'text/plain',
      'content-length': Buffer.byteLength(body),
      'x-sandbox-error': failureClass,
      ...extra
    });
    res.end(body);
  }

  function forward(req, res, body, route, decision, tried, attempt) {
    const endpoint = decision.endpoint ?? pickEndpoint(decision.backend, tried);
    if (!endpoint) {
      if (attempt > 0) return fail(res, 502, 'upstream-error', { 'x-sandbox-track': decision.backend.track });
      return fail(res, 503, 'no-endpoints', { 'x-sandbox-track': decision.backend.track });
    }
    tried.add(endpoint.id);
    inFlight.set(endpoint.id, (inFlight.get(endpoint.id) ?? 0) + 1);
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      finishInFlight(endpoint.id);
    };
    const headers = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers['content-length'] = String(body.length);
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
    const upstream = http.request({
      host: endpoint.host,
      port: endpoint.port,
      method: req.method,
      path: req.url,
      headers,
      agent: agentFor(endpoint)
    });
    upstream.on('response', (upRes) => {
      const out = {};
      for (const [name, value] of Object.entries(upRes.headers)) {
        if (!HOP_BY_HOP.has(name)) out[name] = value;
      }
      out['x-sandbox-release'] = endpoint.release;
      out['x-sandbox-track'] = endpoint.track;
      out['x-sandbox-pod'] = endpoint.id;
      if (route.affinity && decision.reason !== 'affinity') {
        const cookie = `${route.affinity.cookieName}=${endpoint.id}; Path=/; HttpOnly`;
        const existing = out['set-cookie'];
        out['set-cookie'] = existing ? [...[existing].flat(), cookie] : [cookie];
      }
      const key = `${endpoint.release}|${endpoint.track}|${decision.reason}`;
      served[key] = (served[key] ?? 0) + 1;
      lastServedAt[endpoint.release] = Date.now();
      res.writeHead(upRes.statusCode ?? 502, out);
      upRes.pipe(res);
      upRes.on('end', done);
      upRes.on('error', () => {
        done();
        res.destroy();
      });
      res.on('close', () => {
        if (!upRes.complete) upRes.destroy();
        done();
      });
    });
    upstream.on('error', (error) => {
      done();
      if (res.headersSent) return res.destroy();
      // Nothing reached the app: another endpoint may take it (nginx's proxy_next_upstream error).
      const notSent = error.code === 'ECONNREFUSED' || (error.code === 'ECONNRESET' && upstream.reusedSocket);
      if (notSent && attempt < 3) {
        return forward(req, res, body, route, { ...decision, endpoint: undefined }, tried, attempt + 1);
      }
      const failureClass = terminating.has(endpoint.id) ? 'upstream-terminating' : 'upstream-error';
      log({
        level: 'warn',
        msg: 'upstream failed',
        endpoint: endpoint.id,
        error: error.code ?? error.message
      });
      fail(res, 502, failureClass, {
        'x-sandbox-release': endpoint.release,
        'x-sandbox-track': endpoint.track,
        'x-sandbox-pod': endpoint.id
      });
    });
    upstream.end(body);
  }

  function handle(req, res) {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      try {
        if (size > MAX_BODY_BYTES) return fail(res, 413, 'router-error');
        const pathname = new URL(req.url ?? '/', 'http://router.local').pathname;
        const route = pickRoute(routes, req.headers.host, pathname);
        if (!route) return fail(res, 404, 'no-route');
        forward(req, res, Buffer.concat(chunks), route, decide(route, req), new Set(), 0);
      } catch (error) {
        log({ level: 'error', msg: 'router failed', error: String(error) });
        fail(res, 500, 'router-error');
      }
    });
  }

  const server = http.createServer(handle);
  server.keepAliveTimeout = 30000;

  return {
    /** Starts listening on 127.0.0.1 (port 0 = any free port) and resolves the port. */
    listen(port = 0) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve(server.address().port));
      });
    },
    /** Replaces the routing table; endpoints absent from it only get new requests no more. */
    setRoutes(next) {
      routes = next;
      const seen = new Set();
      for (const route of next) {
        const key = routeKey(route);
        seen.add(key);
        const entry = {
          host: route.host ?? null,
          path: route.path ?? '/',
          stableRelease: route.stable.release,
          stableEndpoints: route.stable.endpoints.length,
          canaryRelease: route.canary ? route.canary.backend.release : null,
          canaryWeight: route.canary ? route.canary.weight : null,
          canaryEndpoints: route.canary ? route.canary.backend.endpoints.length : 0
        };
        const summary = JSON.stringify(entry);
        if (lastWeights.get(key) !== summary) {
          lastWeights.set(key, summary);
          weightLog.push({ at: new Date().toISOString(), ...entry });
        }
      }
      for (const key of [...lastWeights.keys()]) {
        if (!seen.has(key)) {
          lastWeights.delete(key);
          weightLog.push({ at: new Date().toISOString(), host: key, removed: true, canaryWeight: null });
        }
      }
    },
    /**
     * Takes an endpoint out of rotation and resolves once its in-flight requests are done (or after
     * `timeoutMs`), closing its idle keep-alive sockets so the process can exit cleanly.
     */
    async drain(endpointId, timeoutMs = 30000) {
      terminating.add(endpointId);
      if ((inFlight.get(endpointId) ?? 0) > 0) {
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          const list = drainWaiters.get(endpointId) ?? [];
          list.push(() => {
            clearTimeout(timer);
            resolve();
          });
          drainWaiters.set(endpointId, list);
        });
      }
      agents.get(endpointId)?.destroy();
      agents.delete(endpointId);
    },
    /** Forget an endpoint whose process is gone. */
    forget(endpointId) {
      terminating.delete(endpointId);
      agents.get(endpointId)?.destroy();
      agents.delete(endpointId);
    },
    inFlight: (endpointId) => inFlight.get(endpointId) ?? 0,
    weightLog: () => weightLog.slice(),
    stats: () => ({
      served: { ...served },
      lastServedAt: { ...lastServedAt },
      failures: { ...failures },
      terminating: [...terminating],
      choosers: Object.fromEntries([...choosers].map(([k, e]) => [k, e.weight]))
    }),
    routes: () => routes,
    close() {
      for (const agent of agents.values()) agent.destroy();
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    }
  };
}
