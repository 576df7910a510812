// The sandbox's `helm`: the subcommands the action uses, with Helm's output shapes and errors, against
// the sandbox cluster (SANDBOX_STATE_DIR/daemon.json). Rendering and value merging are the real Helm's
// (SANDBOX_HELM_MAJOR=3|4, default 4); commands that never touch a cluster run the real Helm as is.
import path from 'node:path';
import {
  FlagError,
  durationSeconds,
  flagReader,
  parseFlags,
  valueArgs,
  VALUE_SOURCE_FLAGS
} from './flags.mjs';
import {
  HelmFailure,
  chartDefaults,
  chartMetadata,
  computeUserValues,
  helmMajor,
  realHelm,
  renderChart
} from './render.mjs';
import { encode, historyJson, historyText, listJson, listText, releaseJson, statusText } from './output.mjs';
import { connect, readDaemonInfo } from '../cluster/client.mjs';
import { stringify } from 'yaml';

const PASS_THROUGH = new Set([
  'version',
  'template',
  'show',
  'inspect',
  'lint',
  'dependency',
  'dep',
  'repo',
  'search',
  'env',
  'create',
  'package',
  'pull',
  'fetch',
  'verify',
  'completion'
]);

class CliError extends Error {}

function cluster() {
  const dir = process.env.SANDBOX_STATE_DIR;
  if (!dir) {
    throw new CliError(
      'Kubernetes cluster unreachable: SANDBOX_STATE_DIR is not set (start it with `node sandbox/cluster/daemon.mjs --state DIR`)'
    );
  }
  const info = readDaemonInfo(path.resolve(dir));
  if (!info)
    throw new CliError(`Kubernetes cluster unreachable: no sandbox daemon in ${dir} (daemon.json missing)`);
  return connect(info);
}

async function reach(fn) {
  try {
    return await fn();
  } catch (error) {
    if (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET') {
      throw new CliError(`Kubernetes cluster unreachable: ${error.message}`);
    }
    throw error;
  }
}

function namespaceOf(f) {
  return String(f.get('namespace') ?? process.env.HELM_NAMESPACE ?? 'default');
}

function outputFormat(f) {
  const format = String(f.get('output') ?? 'table');
  if (!['table', 'json', 'yaml'].includes(format)) throw new CliError(`invalid format type "${format}"`);
  return format;
}

function needArgs(command, usage, positionals, count) {
  if (positionals.length < count) {
    throw new CliError(
      `"helm ${command}" requires ${count === 1 ? 'at least 1 argument' : `${count} arguments`}\n\nUsage:  helm ${usage}`
    );
  }
}

/** Helm 4's --wait takes a strategy; Helm 3's is a boolean. Either way: wait or not. */
function waits(f, major) {
  const value = f.get('wait');
  if (value === undefined) return major === 4 ? f.bool('rollback-on-failure') : f.bool('atomic');
  if (value === true) return true;
  const v = String(value);
  if (v === 'false' || v === 'hookOnly') return false;
  if (['true', 'watcher', 'legacy'].includes(v)) return true;
  throw new CliError(`invalid argument "${v}" for "--wait" flag: invalid wait strategy "${v}"`);
}

async function upgrade(positionals, f, { installOnly = false } = {}) {
  needArgs(
    installOnly ? 'install' : 'upgrade',
    installOnly ? 'install [NAME] [CHART] [flags]' : 'upgrade [RELEASE] [CHART] [flags]',
    positionals,
    2
  );
  const [release, chart] = positionals;
  const namespace = namespaceOf(f);
  const major = helmMajor();
  const client = cluster();
  const current = await reach(() => client.release(namespace, release));
  const exists = Boolean(current?.revisions.some((r) => r.info.status !== 'uninstalled'));
  const install = installOnly || f.bool('install');
  const prefix = exists ? 'UPGRADE FAILED' : install ? 'INSTALLATION FAILED' : 'UPGRADE FAILED';
  try {
    if (installOnly && exists) throw new CliError('cannot re-use a name that is still in use');
    if (!exists && !install) throw new CliError(`"${release}" has no deployed releases`);
    const last = current?.revisions.at(-1);
    const hasNewValues = f.has('values') || VALUE_SOURCE_FLAGS.some((n) => f.has(n));
    let base;
    if (exists && (f.bool('reuse-values') || f.bool('reset-then-reuse-values'))) base = last.config;
    else if (exists && !hasNewValues && !f.bool('reset-values')) base = last.config; // Helm reuses when given none
    const config = computeUserValues(valueArgs(f.flags), base ?? undefined);
    const extra = [];
    if (f.bool('skip-schema-validation')) extra.push('--skip-schema-validation');
    if (f.get('kube-version')) extra.push('--kube-version', String(f.get('kube-version')));
    for (const v of f.all('api-versions')) extra.push('--api-versions', String(v));
    const chartVersion = f.get('version') ? String(f.get('version')) : undefined;
    const manifest = renderChart({
      release,
      chart,
      namespace,
      values: config,
      chartVersion,
      isUpgrade: exists,
      extra
    });
    const metadata = chartMetadata(chart, chartVersion);
    const revisionChart = { metadata, values: chartDefaults(chart) };
    const dryRun = f.get('dry-run');
    if (dryRun !== undefined && dryRun !== false && String(dryRun) !== 'false' && String(dryRun) !== 'none') {
      process.stdout.write(
        `${statusText({ name: release, namespace, version: (last?.version ?? 0) + 1, info: { last_deployed: new Date().toISOString(), status: exists ? 'pending-upgrade' : 'pending-install' } })}HOOKS:\nMANIFEST:\n${manifest}`
      );
      return 0;
    }
    const labels = {};
    for (const l of f.all('labels')) {
      for (const pair of String(l).split(',')) {
        const eq = pair.indexOf('=');
        if (eq > 0) labels[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    }
    const { revision } = await reach(() =>
      client.operate(namespace, release, 'upgrade', {
        install: !exists,
        // `helm install` must fail if another client created the release since the check above:
        // the store decides under its per-release lock, as Helm's create-only release record does.
        createOnly: installOnly,
        chart: revisionChart,
        config: Object.keys(config).length > 0 ? config : null,
        manifest,
        description: f.get('description') ? String(f.get('description')) : undefined,
        wait: waits(f, major),
        timeoutSeconds: durationSeconds(f.get('timeout'), 300),
        atomic: major === 4 ? f.bool('rollback-on-failure') : f.bool('atomic'),
        major,
        labels
      })
    );
    const format = outputFormat(f);
    if (format !== 'table') {
      process.stdout.write(encode(format, releaseJson(revision)));
      return 0;
    }
    if (installOnly) process.stdout.write(statusText(revision));
    else if (exists)
      process.stdout.write(`Release "${release}" has been upgraded. Happy Helming!\n${statusText(revision)}`);
    else
      process.stdout.write(
        `Release "${release}" does not exist. Installing it now.\n${statusText(revision)}`
      );
    return 0;
  } catch (error) {
    if (error instanceof HelmFailure) throw new CliError(`${prefix}: ${error.message}`);
    if (error instanceof CliError && /^Kubernetes cluster unreachable/.test(error.message)) throw error;
    throw new CliError(`${prefix}: ${error.message}`);
  }
}

async function loadRelease(f, name) {
  const client = cluster();
  const rel = await reach(() => client.release(namespaceOf(f), name));
  if (!rel) throw new CliError('release: not found');
  return rel;
}

function pickRevision(rel, f) {
  const wanted = f.get('revision') ? Number(f.get('revision')) : 0;
  if (!wanted) return rel.revisions.at(-1);
  const revision = rel.revisions.find((r) => r.version === wanted);
  if (!revision) throw new CliError('release: not found');
  return revision;
}

async function status(positionals, f) {
  needArgs('status', 'status RELEASE_NAME [flags]', positionals, 1);
  const revision = pickRevision(await loadRelease(f, positionals[0]), f);
  const format = outputFormat(f);
  process.stdout.write(format === 'table' ? statusText(revision) : encode(format, releaseJson(revision)));
  return 0;
}

async function history(positionals, f) {
  needArgs('history', 'history RELEASE_NAME [flags]', positionals, 1);
  const rel = await loadRelease(f, positionals[0]);
  const max = Number(f.get('max') ?? 256);
  const revisions = rel.revisions.slice(-max);
  const format = outputFormat(f);
  process.stdout.write(format === 'table' ? historyText(revisions) : encode(format, historyJson(revisions)));
  return 0;
}

function deepMerge(base, over) {
  const out = { ...base };
  for (const [k, v] of Object.entries(over ?? {})) {
    if (v === null) delete out[k];
    else if (
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      out[k] &&
      typeof out[k] === 'object' &&
      !Array.isArray(out[k])
    ) {
      out[k] = deepMerge(out[k], v);
    } else out[k] = v;
  }
  return out;
}

async function get(positionals, f) {
  const [what, name] = positionals;
  if (!['values', 'manifest', 'notes', 'metadata'].includes(what ?? '')) {
    throw new CliError(
      `unknown command "${what ?? ''}" for "helm get" (the sandbox supports values, manifest, notes, metadata)`
    );
  }
  needArgs(`get ${what}`, `get ${what} RELEASE_NAME [flags]`, positionals.slice(1), 1);
  const revision = pickRevision(await loadRelease(f, name), f);
  if (what === 'manifest') return (process.stdout.write(revision.manifest), 0);
  if (what === 'notes')
    return (process.stdout.write(revision.info.notes ? `NOTES:\n${revision.info.notes}\n` : ''), 0);
  const format = outputFormat(f);
  if (what === 'metadata') {
    const m = revision.chart?.metadata ?? {};
    const data = {
      name: revision.name,
      chart: m.name,
      version: m.version,
      appVersion: m.appVersion ?? '',
      namespace: revision.namespace,
      revision: revision.version,
      status: revision.info.status,
      deployedAt: revision.info.last_deployed
    };
    if (format === 'table') {
      process.stdout.write(
        `NAME: ${data.name}\nCHART: ${data.chart}\nVERSION: ${data.version}\nAPP_VERSION: ${data.appVersion}\nNAMESPACE: ${data.namespace}\nREVISION: ${data.revision}\nSTATUS: ${data.status}\nDEPLOYED_AT: ${data.deployedAt}\n`
      );
    } else process.stdout.write(encode(format, data));
    return 0;
  }
  const all = f.bool('all');
  const values = all ? deepMerge(revision.chart?.values ?? {}, revision.config ?? {}) : revision.config;
  const data = values && Object.keys(values).length > 0 ? values : null;
  if (format === 'table') {
    process.stdout.write(
      `${all ? 'COMPUTED VALUES' : 'USER-SUPPLIED VALUES'}:\n${data === null ? 'null\n' : stringify(data)}`
    );
  } else process.stdout.write(encode(format, data));
  return 0;
}

async function uninstall(positionals, f) {
  needArgs('uninstall', 'uninstall RELEASE_NAME [...] [flags]', positionals, 1);
  const client = cluster();
  const namespace = namespaceOf(f);
  for (const name of positionals) {
    try {
      await reach(() =>
        client.operate(namespace, name, 'uninstall', {
          keepHistory: f.bool('keep-history'),
          wait: waits(f, helmMajor()),
          timeoutSeconds: durationSeconds(f.get('timeout'), 300)
        })
      );
      process.stdout.write(`release "${name}" uninstalled\n`);
    } catch (error) {
      if (error.code === 'not-found' && f.bool('ignore-not-found')) continue;
      if (error.code === 'not-found')
        throw new CliError(`uninstall: Release not loaded: ${name}: release: not found`);
      throw error;
    }
  }
  return 0;
}

async function rollback(positionals, f) {
  needArgs('rollback', 'rollback <RELEASE> [REVISION] [flags]', positionals, 1);
  const [name, rev] = positionals;
  const client = cluster();
  const major = helmMajor();
  try {
    await reach(() =>
      client.operate(namespaceOf(f), name, 'rollback', {
        revision: rev ? Number(rev) : 0,
        wait: waits(f, major),
        timeoutSeconds: durationSeconds(f.get('timeout'), 300),
        major
      })
    );
  } catch (error) {
    if (error.code === 'not-found') throw new CliError(error.message);
    throw new CliError(`${error.message}`);
  }
  process.stdout.write('Rollback was a success! Happy Helming!\n');
  return 0;
}

async function list(positionals, f) {
  const client = cluster();
  const namespace = f.bool('all-namespaces') ? undefined : namespaceOf(f);
  let revisions = (await reach(() => client.releases(namespace))).map((rel) => rel.revisions.at(-1));
  const stateFlags = ['deployed', 'failed', 'pending', 'superseded', 'uninstalled', 'uninstalling'].filter(
    (s) => f.bool(s)
  );
  if (!f.bool('all')) {
    const wanted = stateFlags.length > 0 ? stateFlags : ['deployed', 'failed', 'pending'];
    revisions = revisions.filter((r) =>
      wanted.some((s) => (s === 'pending' ? r.info.status.startsWith('pending-') : r.info.status === s))
    );
  }
  if (f.get('filter')) {
    const re = new RegExp(String(f.get('filter')));
    revisions = revisions.filter((r) => re.test(r.name));
  }
  revisions.sort((a, b) => a.name.localeCompare(b.name));
  if (f.bool('short')) {
    process.stdout.write(revisions.map((r) => `${r.name}\n`).join(''));
    return 0;
  }
  const format = outputFormat(f);
  process.stdout.write(format === 'table' ? listText(revisions) : encode(format, listJson(revisions)));
  return 0;
}

const COMMANDS = {
  upgrade: (p, f) => upgrade(p, f),
  install: (p, f) => upgrade(p, f, { installOnly: true }),
  status: status,
  history: history,
  hist: history,
  get: get,
  uninstall: uninstall,
  un: uninstall,
  delete: uninstall,
  del: uninstall,
  rollback: rollback,
  list: list,
  ls: list
};

/** Runs one helm command line; resolves the exit code. Output goes to stdout/stderr. */
export async function main(argv) {
  const subcommand = argv.find((a) => !a.startsWith('-'));
  if (subcommand && PASS_THROUGH.has(subcommand)) {
    const result = realHelm(argv);
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    return result.code;
  }
  try {
    const { positionals, flags } = parseFlags(argv);
    const f = flagReader(flags);
    const [command, ...rest] = positionals;
    if (!command || f.bool('help')) {
      process.stdout.write(
        'The sandbox Helm: upgrade [--install], install, status, history, get values|manifest|notes|metadata, ' +
          'uninstall, rollback, list against the sandbox cluster; version, template, show, lint, ... run the real Helm.\n'
      );
      return command ? 0 : 1;
    }
    const handler = COMMANDS[command];
    if (!handler) throw new CliError(`unknown command "${command}" for "helm"\nRun 'helm --help' for usage.`);
    return await handler(rest, f);
  } catch (error) {
    const message =
      error instanceof CliError || error instanceof FlagError || error instanceof HelmFailure
        ? error.message
        : String(error?.stack ?? error);
    process.stderr.write(`Error: ${message}\n`);
    return 1;
  }
}
