// Helm's release storage (what Helm keeps in Secrets in the cluster) plus the release operations the
// sandbox's `helm` executes against the cluster: upgrade/install (with wait, atomic), rollback and
// uninstall. Revisions are kept with Helm's statuses and descriptions; one operation per release at a
// time, and a revision stays `pending-*` while its operation runs, as with the real Helm.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export function parseManifest(manifest) {
  const out = [];
  for (const doc of parseAllDocuments(manifest ?? '')) {
    if (doc.errors.length > 0) throw new Error(`manifest is not valid YAML: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value && typeof value === 'object') out.push(value);
  }
  return out;
}

export class ReleaseError extends Error {
  constructor(message, code = 'failed') {
    super(message);
    this.code = code;
  }
}

/**
 * @param {{ dir: string, cluster: ReturnType<import('./cluster.mjs').createCluster>, log?: Function }} options
 */
export function createReleaseStore({ dir, cluster, log = () => {} }) {
  fs.mkdirSync(dir, { recursive: true });
  const releases = new Map(); // ns/name -> { name, namespace, revisions: [] }
  const queues = new Map(); // ns/name -> promise chain
  const events = []; // every operation's start and end, for timelines
  function event(op, rel, revision, extra = {}) {
    events.push({
      at: new Date().toISOString(),
      op,
      release: rel.name,
      namespace: rel.namespace,
      revision: revision?.version ?? null,
      status: revision?.info.status ?? null,
      weight: revision?.config?.canary?.weight ?? null,
      version: revision?.config?.image?.tag ?? null,
      ...extra
    });
    if (events.length > 5000) events.shift();
  }

  function fileOf(namespace, name) {
    return path.join(dir, `${namespace}.${name}.json`);
  }
  function persist(rel) {
    const file = fileOf(rel.namespace, rel.name);
    if (rel.revisions.length === 0) return fs.rmSync(file, { force: true });
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(rel, null, 1));
    fs.renameSync(`${file}.tmp`, file);
  }
  function serial(key, fn) {
    const next = (queues.get(key) ?? Promise.resolve()).then(fn, fn);
    queues.set(
      key,
      next.catch(() => {})
    );
    return next;
  }
  function now() {
    return new Date().toISOString();
  }
  function latest(rel) {
    return rel?.revisions.at(-1);
  }

  async function waitOrFail(namespace, name, timeoutSeconds) {
    const result = await cluster.waitReady(namespace, name, timeoutSeconds * 1000);
    if (result.ok) return undefined;
    return result.pending;
  }

  async function applyRevision(rel, revision, { wait, timeoutSeconds, atomic, verb, major }) {
    let failure;
    try {
      await cluster.applyRelease(rel.namespace, rel.name, parseManifest(revision.manifest));
      if (wait) {
        const pending = await waitOrFail(rel.namespace, rel.name, timeoutSeconds);
        if (pending) {
          const first = pending[0];
          failure =
            major === 4
              ? `resource Deployment/${rel.namespace}/${first.name} not ready. status: InProgress, message: ` +
                `Available: ${first.updatedReady}/${first.replicas}\ncontext deadline exceeded`
              : 'context deadline exceeded';
        }
      }
    } catch (error) {
      failure = error.message;
    }
    event(failure ? 'failed' : 'applied', rel, revision, failure ? { error: failure } : {});
    if (!failure) {
      for (const r of rel.revisions)
        if (r !== revision && r.info.status === 'deployed') r.info.status = 'superseded';
      revision.info.status = 'deployed';
      persist(rel);
      return revision;
    }
    revision.info.status = 'failed';
    revision.info.description = `${verb} "${rel.name}" failed: ${failure}`;
    persist(rel);
    if (atomic) {
      const flag = major === 4 ? 'rollback-on-failure' : 'atomic';
      const previous = [...rel.revisions]
        .reverse()
        .find((r) => r !== revision && r.info.status === 'superseded');
      if (verb === 'Install' || !previous) {
        await uninstallNow(rel, { keepHistory: false, wait: true });
        throw new ReleaseError(
          `release ${rel.name} failed, and has been uninstalled due to ${flag} being set: ${failure}`
        );
      }
      await rollbackNow(rel, previous.version, { wait: false, major });
      throw new ReleaseError(
        `release ${rel.name} failed, and has been rolled back due to ${flag} being set: ${failure}`
      );
    }
    throw new ReleaseError(failure);
  }

  async function rollbackNow(rel, toVersion, options) {
    const target = rel.revisions.find((r) => r.version === toVersion);
    if (!target) throw new ReleaseError(`release has no ${toVersion} version`, 'not-found');
    const at = now();
    const revision = {
      ...structuredClone(target),
      version: latest(rel).version + 1,
      info: {
        ...target.info,
        first_deployed: rel.revisions[0].info.first_deployed,
        last_deployed: at,
        status: 'pending-rollback',
        description: `Rollback to ${toVersion}`
      }
    };
    rel.revisions.push(revision);
    persist(rel);
    event('rollback', rel, revision);
    return applyRevision(rel, revision, { ...options, verb: 'Rollback', atomic: false });
  }

  async function uninstallNow(rel, { keepHistory, wait }) {
    const last = latest(rel);
    event('uninstall', rel, last);
    if (last) {
      last.info.status = 'uninstalling';
      persist(rel);
    }
    const deleting = cluster.deleteRelease(rel.namespace, rel.name);
    if (wait) await deleting;
    else deleting.catch((e) => log({ level: 'error', msg: 'delete failed', error: String(e) }));
    if (keepHistory && last) {
      last.info.status = 'uninstalled';
      last.info.deleted = now();
      last.info.description = 'Uninstallation complete';
    } else {
      rel.revisions = [];
      releases.delete(`${rel.namespace}/${rel.name}`);
    }
    persist(rel);
  }

  return {
    events: () => events.slice(),
    get(namespace, name) {
      const rel = releases.get(`${namespace}/${name}`);
      return rel && rel.revisions.length > 0 ? rel : undefined;
    },
    list(namespace) {
      return [...releases.values()].filter(
        (r) => r.revisions.length > 0 && (!namespace || r.namespace === namespace)
      );
    },

    /** body: { install, createOnly, chart, config, manifest, description, wait, timeoutSeconds, atomic, major } */
    upgrade(namespace, name, body) {
      return serial(`${namespace}/${name}`, async () => {
        let rel = releases.get(`${namespace}/${name}`);
        const deployed = rel?.revisions.some((r) => r.info.status !== 'uninstalled');
        const last = latest(rel);
        if (!deployed && !body.install)
          throw new ReleaseError(`"${name}" has no deployed releases`, 'not-found');
        if (deployed && body.createOnly)
          throw new ReleaseError('cannot re-use a name that is still in use', 'conflict');
        if (last && /^pending-/.test(last.info.status)) {
          throw new ReleaseError('another operation (install/upgrade/rollback) is in progress', 'conflict');
        }
        const install = !deployed;
        if (!rel) {
          rel = { name, namespace, revisions: [] };
          releases.set(`${namespace}/${name}`, rel);
        }
        const at = now();
        const revision = {
          name,
          namespace,
          version: (last?.version ?? 0) + 1,
          info: {
            first_deployed: rel.revisions[0]?.info.first_deployed ?? at,
            last_deployed: at,
            deleted: '',
            description: body.description || (install ? 'Install complete' : 'Upgrade complete'),
            status: install ? 'pending-install' : 'pending-upgrade',
            notes: body.notes ?? ''
          },
          chart: body.chart,
          config: body.config ?? null,
          manifest: body.manifest ?? '',
          labels: body.labels ?? {}
        };
        rel.revisions.push(revision);
        persist(rel);
        log({ msg: install ? 'install' : 'upgrade', release: name, namespace, revision: revision.version });
        event(install ? 'install' : 'upgrade', rel, revision);
        return applyRevision(rel, revision, { ...body, verb: install ? 'Install' : 'Upgrade' });
      });
    },

    rollback(namespace, name, { revision, wait, timeoutSeconds, major }) {
      return serial(`${namespace}/${name}`, async () => {
        const rel = this.get(namespace, name);
        if (!rel) throw new ReleaseError('release: not found', 'not-found');
        const last = latest(rel);
        if (/^pending-/.test(last.info.status)) {
          throw new ReleaseError('another operation (install/upgrade/rollback) is in progress', 'conflict');
        }
        const to = revision > 0 ? revision : (rel.revisions.at(-2)?.version ?? 0);
        if (to <= 0) throw new ReleaseError(`no revision to roll back to`, 'not-found');
        return rollbackNow(rel, to, { wait, timeoutSeconds, major });
      });
    },

    uninstall(namespace, name, { keepHistory, wait }) {
      return serial(`${namespace}/${name}`, async () => {
        const rel = this.get(namespace, name);
        if (!rel) throw new ReleaseError('release: not found', 'not-found');
        await uninstallNow(rel, { keepHistory, wait });
      });
    }
  };
}
