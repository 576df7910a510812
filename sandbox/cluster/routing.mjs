// What ingress-nginx would program from the applied objects: for each host+path, the main Ingress's
// Service and, when a canary Ingress (nginx.ingress.kubernetes.io/canary: "true") exists for the same
// host+path, its Service with weight, header and cookie targeting. Service endpoints are the ready,
// non-terminating pods whose labels match the Service selector, as the endpoints controller does.

const NGINX = 'nginx.ingress.kubernetes.io/';

function matches(selector, labels) {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

function ingressPaths(ingress) {
  const out = [];
  for (const rule of ingress.spec?.rules ?? []) {
    for (const p of rule.http?.paths ?? []) {
      if (p.backend?.service?.name) {
        out.push({ host: rule.host ?? null, path: p.path ?? '/', service: p.backend.service.name });
      }
    }
  }
  const fallback = ingress.spec?.defaultBackend?.service?.name;
  if (out.length === 0 && fallback) out.push({ host: null, path: '/', service: fallback });
  return out;
}

function intAnnotation(annotations, name, fallback) {
  const raw = annotations[NGINX + name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number.parseInt(String(raw), 10);
  return Number.isFinite(n) ? n : fallback;
}

/**
 * @param {Array<{release: string, namespace: string, object: any}>} objects every applied object
 * @param {Array<any>} pods every pod (from createPod)
 */
export function buildRoutes(objects, pods) {
  const services = new Map();
  for (const { namespace, object, release } of objects) {
    if (object.kind === 'Service') services.set(`${namespace}/${object.metadata.name}`, { object, release });
  }

  function backend(namespace, serviceName, fallbackTrack) {
    const key = `${namespace}/${serviceName}`;
    const svc = services.get(key);
    const endpoints = [];
    if (svc) {
      for (const pod of pods) {
        if (pod.namespace !== namespace || !pod.ready || pod.phase === 'Terminating') continue;
        if (!matches(svc.object.spec?.selector, pod.labels)) continue;
        endpoints.push({
          id: pod.name,
          host: '127.0.0.1',
          port: pod.port,
          release: pod.labels.release ?? pod.release,
          track: pod.labels.track ?? fallbackTrack
        });
      }
    }
    return { key, service: serviceName, release: svc?.release ?? null, track: fallbackTrack, endpoints };
  }

  const groups = new Map(); // host+path -> { main, canary }
  for (const { namespace, object, release } of objects) {
    if (object.kind !== 'Ingress') continue;
    const annotations = object.metadata?.annotations ?? {};
    const isCanary = String(annotations[NGINX + 'canary'] ?? '').toLowerCase() === 'true';
    for (const p of ingressPaths(object)) {
      const key = `${namespace}|${p.host ?? '*'}|${p.path}`;
      const group = groups.get(key) ?? { namespace, host: p.host, path: p.path };
      const entry = { release, service: p.service, annotations };
      if (isCanary) group.canary ??= entry;
      else group.main ??= entry;
      groups.set(key, group);
    }
  }

  const routes = [];
  for (const group of groups.values()) {
    // A canary Ingress without a main one is ignored by ingress-nginx.
    if (!group.main) continue;
    const a = group.main.annotations;
    const route = {
      host: group.host,
      path: group.path,
      stable: backend(group.namespace, group.main.service, 'stable')
    };
    if (String(a[NGINX + 'affinity'] ?? '') === 'cookie') {
      route.affinity = { cookieName: a[NGINX + 'session-cookie-name'] ?? 'INGRESSCOOKIE' };
    }
    if (group.canary) {
      const c = group.canary.annotations;
      route.canary = {
        backend: backend(group.namespace, group.canary.service, 'canary'),
        weight: intAnnotation(c, 'canary-weight', 0),
        total: intAnnotation(c, 'canary-weight-total', 100),
        header: c[NGINX + 'canary-by-header'] || undefined,
        headerValue: c[NGINX + 'canary-by-header-value'] || undefined,
        headerPattern: c[NGINX + 'canary-by-header-pattern'] || undefined,
        cookie: c[NGINX + 'canary-by-cookie'] || undefined
      };
      route.canary.backend.release = group.canary.release;
    }
    route.stable.release = group.main.release;
    routes.push(route);
  }
  return routes;
}
