// Helm's command line, parsed the way cobra/pflag does for the flags Helm 3 and 4 define: value flags
// take the next word or `=value`, boolean flags take only `=true|false`, and a few flags with an
// optional value (Helm 4's `--wait[=watcher]`, `--dry-run[=client]`) never take the next word.
// Unknown flags are an error, as with the real binary.

const VALUE_FLAGS = new Set([
  'values',
  'set',
  'set-string',
  'set-json',
  'set-file',
  'set-literal',
  'namespace',
  'timeout',
  'version',
  'description',
  'output',
  'kube-context',
  'kubeconfig',
  'kube-apiserver',
  'kube-as-user',
  'kube-as-group',
  'kube-ca-file',
  'kube-token',
  'kube-tls-server-name',
  'post-renderer',
  'post-renderer-args',
  'repo',
  'username',
  'password',
  'ca-file',
  'cert-file',
  'key-file',
  'history-max',
  'revision',
  'max',
  'template',
  'labels',
  'burst-limit',
  'qps',
  'registry-config',
  'repository-cache',
  'repository-config',
  'content-cache',
  'filter',
  'selector',
  'time-format',
  'offset',
  'cascade',
  'keyring',
  'kube-version',
  'api-versions',
  'output-dir',
  'show-only',
  'name-template',
  'deletion-propagation',
  'certfile',
  'keyfile'
]);

const OPTIONAL_VALUE_FLAGS = new Set(['wait', 'dry-run', 'server-side', 'color', 'colour']);

const BOOL_FLAGS = new Set([
  'install',
  'atomic',
  'rollback-on-failure',
  'reuse-values',
  'reset-values',
  'reset-then-reuse-values',
  'create-namespace',
  'force',
  'force-replace',
  'force-conflicts',
  'devel',
  'skip-crds',
  'cleanup-on-fail',
  'take-ownership',
  'keep-history',
  'no-hooks',
  'disable-openapi-validation',
  'debug',
  'wait-for-jobs',
  'insecure-skip-tls-verify',
  'kube-insecure-skip-tls-verify',
  'pass-credentials',
  'plain-http',
  'verify',
  'render-subchart-notes',
  'enable-dns',
  'hide-notes',
  'hide-secret',
  'skip-schema-validation',
  'dependency-update',
  'all',
  'short',
  'all-namespaces',
  'date',
  'reverse',
  'deployed',
  'failed',
  'pending',
  'superseded',
  'uninstalled',
  'uninstalling',
  'no-headers',
  'recreate-pods',
  'ignore-not-found',
  'show-resources',
  'help',
  'is-upgrade',
  'include-crds',
  'validate',
  'skip-tests',
  'generate-name',
  'release-name',
  'client',
  'no-color'
]);

const SHORT = {
  n: 'namespace',
  f: 'values',
  o: 'output',
  m: 'max',
  l: 'labels',
  i: 'install',
  a: 'all',
  A: 'all-namespaces',
  q: 'short',
  d: 'date',
  r: 'reverse',
  h: 'help',
  g: 'generate-name',
  s: 'show-only'
};

export class FlagError extends Error {}

/**
 * @param {string[]} argv
 * @returns {{ positionals: string[], flags: Array<{name: string, value: string | true}> }}
 */
export function parseFlags(argv) {
  const positionals = [];
  const flags = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    let name;
    let inline;
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      name = eq > 0 ? word.slice(2, eq) : word.slice(2);
      inline = eq > 0 ? word.slice(eq + 1) : undefined;
    } else {
      const short = word[1];
      name = SHORT[short];
      if (!name) throw new FlagError(`unknown shorthand flag: '${short}' in ${word}`);
      const rest = word.slice(2);
      inline = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest;
    }
    if (VALUE_FLAGS.has(name)) {
      if (inline === undefined) {
        if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
        inline = argv[++i];
      }
      flags.push({ name, value: inline });
    } else if (OPTIONAL_VALUE_FLAGS.has(name)) {
      flags.push({ name, value: inline ?? true });
    } else if (BOOL_FLAGS.has(name)) {
      if (inline !== undefined && !/^(true|false|1|0|t|f)$/i.test(inline)) {
        throw new FlagError(
          `invalid argument "${inline}" for "--${name}" flag: strconv.ParseBool: parsing "${inline}": invalid syntax`
        );
      }
      flags.push({ name, value: inline === undefined ? true : /^(true|1|t)$/i.test(inline) });
    } else {
      throw new FlagError(`unknown flag: --${name}`);
    }
  }
  return { positionals, flags };
}

/** Accessors over parsed flags. */
export function flagReader(flags) {
  return {
    flags,
    has: (name) => flags.some((f) => f.name === name),
    /** Last value of a flag (as pflag keeps the last). */
    get: (name) => [...flags].reverse().find((f) => f.name === name)?.value,
    all: (name) => flags.filter((f) => f.name === name).map((f) => f.value),
    bool: (name) => {
      const v = [...flags].reverse().find((f) => f.name === name)?.value;
      return v === true || v === 'true';
    }
  };
}

/** The flags that feed values, in order, as argv for another Helm call. */
export const VALUE_SOURCE_FLAGS = ['values', 'set', 'set-string', 'set-json', 'set-file', 'set-literal'];

export function valueArgs(flags) {
  return flags
    .filter((f) => VALUE_SOURCE_FLAGS.includes(f.name))
    .flatMap((f) => [`--${f.name}`, String(f.value)]);
}

/** Helm durations: "5m0s", "300s", "2m", "1h30m"; a bare number is seconds. */
export function durationSeconds(text, fallback) {
  if (text === undefined || text === true) return fallback;
  const s = String(text).trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
  let total = 0;
  let matched = '';
  for (const m of s.matchAll(re)) {
    matched += m[0];
    total += Number(m[1]) * { h: 3600, m: 60, s: 1, ms: 0.001 }[m[2]];
  }
  if (matched !== s)
    throw new FlagError(`invalid argument "${s}" for "--timeout" flag: time: invalid duration "${s}"`);
  return total;
}
