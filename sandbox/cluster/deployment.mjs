// The Deployment controller's part: keep `replicas` pods of the current pod template, roll to a new
// template by starting the new pods first and stopping the old ones only once all new ones are ready
// (a stuck rollout keeps the old pods serving, as Kubernetes does), and leave pods alone when only
// something outside the template changed (e.g. an Ingress weight).
import crypto from 'node:crypto';

function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical(value[k])])
    );
  }
  return value;
}

export function templateHash(template) {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(canonical(template ?? {})))
    .digest('hex')
    .slice(0, 10);
}

function randomSuffix() {
  return crypto.randomBytes(4).toString('hex').slice(0, 5);
}

/** Seconds a preStop hook asks for (`sleep N` exec or the sleep action), if any. */
export function preStopSeconds(container) {
  const preStop = container?.lifecycle?.preStop;
  if (preStop?.sleep?.seconds) return Number(preStop.sleep.seconds);
  const command = preStop?.exec?.command;
  if (Array.isArray(command)) {
    const match = /sleep\s+(\d+(?:\.\d+)?)/.exec(command.join(' '));
    if (match) return Number(match[1]);
  }
  return 0;
}

/** Container env as plain strings (valueFrom entries are not modelled and are skipped). */
export function containerEnv(container) {
  const env = {};
  for (const entry of container?.env ?? []) {
    if (entry && typeof entry.name === 'string' && entry.value !== undefined && entry.value !== null) {
      env[entry.name] = String(entry.value);
    }
  }
  return env;
}

/**
 * @param {object} options
 * @param {string} options.namespace
 * @param {string} options.name
 * @param {string} options.release helm release that owns it
 * @param {(podSpec: object) => Promise<any>} options.makePod creates (not starts) a pod
 * @param {() => void} options.onChange
 */
export function createDeployment({ namespace, name, release, makePod, onChange }) {
  const pods = new Set();
  let desired = { hash: '', replicas: 0, template: undefined };
  let deleted = false;
  let reconciling = Promise.resolve();

  function live(pod) {
    return pod.phase !== 'Terminating' && pod.phase !== 'Gone';
  }

  async function reconcileOnce() {
    if (deleted) return;
    const current = [...pods].filter((p) => p.hash === desired.hash && live(p));
    for (let i = current.length; i < desired.replicas; i++) {
      const template = desired.template;
      const container = template?.spec?.containers?.[0] ?? {};
      const pod = await makePod({
        name: `${name}-${desired.hash}-${randomSuffix()}`,
        namespace,
        release,
        hash: desired.hash,
        labels: { ...(template?.metadata?.labels ?? {}) },
        image: String(container.image ?? ''),
        env: containerEnv(container),
        readinessPath: container.readinessProbe?.httpGet?.path ?? '/readyz',
        graceSeconds: Math.min(Number(template?.spec?.terminationGracePeriodSeconds ?? 30), 15),
        preStopSeconds: preStopSeconds(container),
        onPodChange
      });
      pods.add(pod);
      current.push(pod);
      pod.start();
    }
    if (current.length > desired.replicas) {
      const extras = current.sort((a, b) => Number(a.ready) - Number(b.ready)).slice(desired.replicas);
      for (const pod of extras) void pod.stop();
    }
    const readyNew = current.filter((p) => p.ready).length;
    if (readyNew >= desired.replicas) {
      for (const pod of pods) if (pod.hash !== desired.hash && live(pod)) void pod.stop();
    }
  }

  function reconcile() {
    reconciling = reconciling.then(reconcileOnce).catch(() => {});
    return reconciling;
  }

  function onPodChange(pod) {
    if (pod.phase === 'Gone') pods.delete(pod);
    void reconcile();
    onChange();
  }

  return {
    namespace,
    name,
    release,
    pods,
    apply(object) {
      const template = object?.spec?.template;
      desired = { hash: templateHash(template), replicas: Number(object?.spec?.replicas ?? 1), template };
      return reconcile();
    },
    /** Ready pods of the current template, against the desired count (what `--wait` looks at). */
    status() {
      const updated = [...pods].filter((p) => p.hash === desired.hash && live(p));
      return {
        replicas: desired.replicas,
        updated: updated.length,
        updatedReady: updated.filter((p) => p.ready).length,
        total: pods.size,
        phases: updated.map((p) => p.phase),
        restarts: updated.reduce((n, p) => n + p.restarts, 0)
      };
    },
    isRolledOut() {
      const s = this.status();
      return s.updatedReady >= s.replicas;
    },
    async delete() {
      deleted = true;
      await reconciling;
      await Promise.all([...pods].map((p) => p.stop()));
    }
  };
}
