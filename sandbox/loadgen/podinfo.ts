// Load for podinfo (the chart and app nobody here wrote): every visitor asks `GET /env`, which podinfo
// answers with its environment as JSON, HOSTNAME (the pod's name, as the node agent sets it) among it.
// podinfo's own `hostname` field is the machine's here: the node agent gives pods a network namespace,
// not a UTS one. The pod's name says the track: the canary release's Deployment is `<stable>-canary`,
// so its pods start with `<stable>-canary-`.
import type { Identify } from './loadgen.js';
import { createCookieJar, type Session, type SessionOptions } from './session.js';

/** One request per visitor: podinfo has no journey to follow. */
export function podinfoSession({ headers = {} }: SessionOptions): Session {
  let sent = false;
  return {
    jar: createCookieJar(),
    internal: false,
    get done() {
      return sent;
    },
    next() {
      if (sent) return undefined;
      sent = true;
      return { method: 'GET', path: '/env', step: 'browse', headers: { ...headers } };
    },
    observe: () => undefined
  };
}

/** podinfo's answers carry no header of ours; the environment in its JSON body names the pod. */
export function podinfoIdentity(
  stableDeployment: string,
  canaryDeployment = `${stableDeployment}-canary`
): Identify {
  return (_headers, body) => {
    let environment: unknown;
    try {
      environment = JSON.parse(body);
    } catch {
      return undefined; // not podinfo's JSON: the gateway, or one of podinfo's injected errors
    }
    const entry = Array.isArray(environment)
      ? environment.find((e): e is string => typeof e === 'string' && e.startsWith('HOSTNAME='))
      : undefined;
    const hostname = entry?.slice('HOSTNAME='.length);
    if (typeof hostname !== 'string') return undefined;
    // The canary's prefix first: `<stable>-canary-…` also starts with `<stable>-`.
    if (hostname.startsWith(`${canaryDeployment}-`)) return { track: 'canary', release: canaryDeployment };
    if (hostname.startsWith(`${stableDeployment}-`)) return { track: 'stable', release: stableDeployment };
    return undefined;
  };
}
