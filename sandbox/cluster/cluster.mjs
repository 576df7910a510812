// The objects a release applied, and what they become locally: Deployments -> pods (processes),
// Services + Ingresses -> the router's table, running pods -> Prometheus targets. Stands in for the
// Kubernetes API server, the controllers, the kubelet and the ingress controller together.
import fs from 'node:fs';
import path from 'node:path';
import { createDeployment } from './deployment.mjs';
import { createPod, killNow } from './pod.mjs';
import { buildRoutes } from './routing.mjs';
import { freePort } from '../lib/ports.mjs';

const SCRAPE_GRACE_MS = 1200; // one more 1 s scrape after the last request, so no count is lost

/** `registry/org/name:tag@digest` -> `org/name` style repository without tag or digest. */
export function imageRepository(image) {
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

export function entryForImage(images, image) {
  const repo = imageRepository(image);
  for (const [name, entry] of Object.entries(images)) {
    if (repo === name || repo.endsWith(`/${name}`)) return entry;
  }
  return undefined;
}

/**
 * @param {object} options
 * @param {string} options.stateDir
 * @param {ReturnType<import('../router/router.mjs').createRouter>} options.router
 * @param {{ writeTargets(pods: any[]): void } | undefined} options.prometheus
 * @param {Record<string,string>} options.images image repository -> node entry script
 * @param {(e: object) => void} [options.log]
 */
export function createCluster({ stateDir, router, prometheus, images, log = () => {} }) {
  const objects = new Map(); // kind/ns/name -> { release, namespace, object }
  const deployments = new Map(); // ns/name -> controller
  const logDir = path.join(stateDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });

  function allPods() {
    return [...deployments.values()].flatMap((d) => [...d.pods]);
  }

  function refresh() {
    router.setRoutes(buildRoutes([...objects.values()], allPods()));
    prometheus?.writeTargets(allPods());
  }

  async function makePod(spec) {
    const port = await freePort();
    const entry = entryForImage(images, spec.image);
    if (!entry) log({ level: 'warn', msg: `no local entry point for image ${spec.image}`, pod: spec.name });
    const pod = createPod({
      ...spec,
      port,
      entry,
      logFile: path.join(logDir, `${spec.name}.log`),
      preStopSeconds: 0,
      drain: async (p) => {
        await router.drain(p.name, p.graceSeconds * 1000);
        await new Promise((r) =>
          setTimeout(r, Math.max(SCRAPE_GRACE_MS, Math.min(spec.preStopSeconds, 2) * 1000))
        );
      },
      onChange: (p) => {
        if (p.phase === 'Gone') router.forget(p.name);
        refresh();
        spec.onPodChange(p);
      }
    });
    pod.hash = spec.hash;
    pod.release = spec.release;
    return pod;
  }

  function keyOf(namespace, object) {
    return `${object.kind}/${object.metadata?.namespace ?? namespace}/${object.metadata?.name}`;
  }

  return {
    /**
     * Applies a release's rendered objects (create, update, delete what it no longer renders).
     * Throws like the API server when an object belongs to another release.
     */
    async applyRelease(namespace, release, rendered) {
      const next = new Map();
      for (const object of rendered) {
        if (!object?.kind || !object.metadata?.name) continue;
        const key = keyOf(namespace, object);
        const owner = objects.get(key);
        if (owner && owner.release !== release) {
          throw new Error(
            `Unable to continue with install: ${object.kind} "${object.metadata.name}" in namespace ` +
              `"${object.metadata.namespace ?? namespace}" exists and cannot be imported into the current release: ` +
              `invalid ownership metadata; annotation validation error: key "meta.helm.sh/release-name" must equal ` +
              `"${release}": current value is "${owner.release}"`
          );
        }
        next.set(key, { release, namespace: object.metadata.namespace ?? namespace, object });
      }
      const removed = [];
      for (const [key, entry] of objects) {
        if (entry.release === release && !next.has(key)) {
          objects.delete(key);
          removed.push(entry);
        }
      }
      for (const [key, entry] of next) objects.set(key, entry);
      const work = [];
      for (const entry of removed) {
        if (entry.object.kind === 'Deployment') {
          const dkey = `${entry.namespace}/${entry.object.metadata.name}`;
          const controller = deployments.get(dkey);
          deployments.delete(dkey);
          if (controller) work.push(controller.delete().then(refresh));
        }
      }
      for (const entry of next.values()) {
        if (entry.object.kind !== 'Deployment') continue;
        const dkey = `${entry.namespace}/${entry.object.metadata.name}`;
        let controller = deployments.get(dkey);
        if (!controller) {
          controller = createDeployment({
            namespace: entry.namespace,
            name: entry.object.metadata.name,
            release,
            makePod,
            onChange: refresh
          });
          deployments.set(dkey, controller);
        }
        await controller.apply(entry.object);
      }
      refresh();
      return { deletions: Promise.all(work) };
    },

    /** Deletes everything a release owns; resolves once its pods are gone. */
    async deleteRelease(namespace, release) {
      const { deletions } = await this.applyRelease(namespace, release, []);
      await deletions;
    },

    /** What `helm --wait` waits for: every Deployment of the release rolled out and ready. */
    async waitReady(namespace, release, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mine = [...deployments.values()].filter(
          (d) => d.release === release && d.namespace === namespace
        );
        const pending = mine.filter((d) => !d.isRolledOut());
        if (pending.length === 0) return { ok: true };
        if (Date.now() >= deadline) {
          return {
            ok: false,
            pending: pending.map((d) => ({ name: d.name, ...d.status() }))
          };
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    },

    pods: allPods,
    describe() {
      return {
        objects: [...objects.values()].map((e) => ({
          release: e.release,
          namespace: e.namespace,
          kind: e.object.kind,
          name: e.object.metadata.name
        })),
        deployments: [...deployments.values()].map((d) => ({
          namespace: d.namespace,
          name: d.name,
          release: d.release,
          ...d.status()
        })),
        pods: allPods().map((p) => p.describe()),
        routes: router.routes()
      };
    },
    /** Graceful stop of every pod (bounded by the pods' grace periods). */
    async shutdown() {
      await Promise.all([...deployments.values()].map((d) => d.delete()));
    },
    killAll() {
      for (const pod of allPods()) killNow(pod);
    }
  };
}
