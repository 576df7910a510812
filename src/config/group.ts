// The `group` input: a YAML file listing several releases that are released as one canary
// (docs/groups.md). Each member's RolloutSpec comes from the one reader, readRolloutSpec, through a
// getter that takes the member's key first and the action's input otherwise, so a member is
// validated exactly like a single release. Every problem of the file is reported at once, naming
// the file, the entry and the key, before anything touches the cluster.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, parseDocument, stringify } from 'yaml';
import { readRolloutSpec, type ReadOptions } from './index.js';
import { ConfigError, expectedError, inputLabel, ProblemCollector } from './errors.js';
import { parseOpenFraction } from './fractions.js';
import { INPUT_DEFAULTS, type InputName } from './inputs.js';
import type { GroupMember, ReleaseGroup } from './spec.js';
import { errorMessage } from '../error-message.js';

/** The keys an entry may have; all but `after` and `metrics` are the action inputs of the same name. */
export const MEMBER_KEYS = [
  'release',
  'chart',
  'version',
  'version-key',
  'values',
  'set',
  'routing',
  'route',
  'weight-values',
  'canary-release',
  'chart-version',
  'metrics-source',
  'config',
  'metrics',
  'after'
] as const;
type MemberKey = (typeof MEMBER_KEYS)[number];
/** Keys that take a list (or one text, as a list of one): values files, --set lines, weight values, `after`. */
const LIST_KEYS: readonly MemberKey[] = ['values', 'set', 'weight-values', 'after'];
/** Inputs that name one release: in a group they belong in the file's entries. */
const PER_RELEASE_INPUTS: readonly InputName[] = ['release', 'chart', 'version', 'canary-release'];

type Entry = Record<string, unknown>;

/** Whether the action runs a group (the `group` input is set). */
export function isGroupRun(getInput: (name: string) => string): boolean {
  return (getInput('group') ?? '').trim() !== '';
}

export function readReleaseGroup(
  getInput: (name: string) => string,
  options: ReadOptions = {}
): ReleaseGroup {
  const cwd = options.cwd ?? process.cwd();
  const input = (name: string): string => (getInput(name) ?? '').trim();
  const file = input('group');
  const where = `group file ${file}`;
  const problems = new ProblemCollector();

  for (const name of PER_RELEASE_INPUTS) {
    if (input(name) !== '') {
      problems.add(
        new ConfigError(
          `${inputLabel(name)} is set together with ${inputLabel('group')}: give \`${name}\` per release in ${file}, not as an input.`
        )
      );
    }
  }
  const command = input('command') || INPUT_DEFAULTS.command;
  if (command !== 'deploy') {
    problems.add(
      new ConfigError(
        `${inputLabel('command')} is ${command} with ${inputLabel('group')}: a group runs command: deploy (run again to continue a pause); promote, roll back or ask the status of one release with its own \`release\` and \`chart\` inputs.`
      )
    );
  }
  const alpha =
    problems.attempt(() => parseOpenFraction(input('alpha') || INPUT_DEFAULTS.alpha, inputLabel('alpha'))) ??
    0.05;
  const entries = problems.attempt(() => readEntries(file, cwd, where)) ?? [];
  entries.forEach((entry, index) => checkEntry(entry, entryLabel(where, index, entry), problems));

  const names = entries.map((entry) => (typeof entry.release === 'string' ? entry.release : ''));
  checkNames(entries, names, where, problems);
  const afters = entries.map((entry) => listOf(entry.after));
  const depths = dependencyDepths(names, afters, where, problems);

  const members: GroupMember[] = [];
  entries.forEach((entry, index) => {
    const label = entryLabel(where, index, entry);
    const spec = problems.attempt(() =>
      readRolloutSpec(memberInput(entry, getInput, alpha / entries.length), {
        ...options,
        // The file's key when the entry gives it, or must (release, chart, version); the input otherwise.
        label: (name) =>
          givenKey(entry, name) || PER_RELEASE_INPUTS.includes(name)
            ? `${label}, key \`${keyOf(name)}\``
            : inputLabel(name)
      })
    );
    if (spec) members.push({ spec, after: afters[index], depth: depths[index] ?? 0 });
  });
  problems.throwIfAny();

  const ordered = members
    .map((member, index) => ({ member, index }))
    .sort((a, b) => a.member.depth - b.member.depth || a.index - b.index)
    .map(({ member }) => member);
  const releases = ordered.map((m) => m.spec.release);
  return {
    file,
    alpha,
    members: ordered,
    reportPath: path.join(
      path.dirname(ordered[0].spec.reportPath),
      `canary-group-${releases.join('-')}-report.json`
    ),
    checkName: input('check-name') || `canary / ${releases.join(' + ')}`
  };
}

/** The file's `releases:` list, each entry a map. */
function readEntries(file: string, cwd: string, where: string): Entry[] {
  const resolved = path.resolve(cwd, file);
  if (!existsSync(resolved) || !statSync(resolved).isFile()) {
    throw new ConfigError(
      `${inputLabel('group')}: file ${file} not found (looked at ${resolved}); expected a YAML file with a \`releases:\` list.`
    );
  }
  const document = parseDocument(readFileSync(resolved, 'utf8'), { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(`${where}: not valid YAML: ${document.errors[0].message.split('\n')[0]}.`);
  }
  if (!isMap(document.contents)) throw expectedError(where, 'a YAML map with the key `releases`');
  let root: Entry;
  try {
    root = document.toJS({ maxAliasCount: 100 }) as Entry;
  } catch (error) {
    throw new ConfigError(`${where}: not valid YAML: ${errorMessage(error)}.`);
  }
  const unknown = Object.keys(root).filter((key) => key !== 'releases');
  const problems = unknown.map((key) => `${where}: unknown key \`${key}\`; expected only \`releases\`.`);
  const list = root.releases;
  if (!isSeq(document.get('releases', true)) || !Array.isArray(list) || list.length === 0) {
    problems.push(
      `${where}, key \`releases\`: expected a list of at least one release (release, chart, version...).`
    );
  } else {
    list.forEach((entry, index) => {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        problems.push(
          `${where}, entry ${index + 1}: expected a map with the keys release, chart and version.`
        );
      }
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return list as Entry[];
}

/** Unknown keys, missing required keys, and values of the wrong shape. */
function checkEntry(entry: Entry, label: string, problems: ProblemCollector): void {
  for (const key of Object.keys(entry)) {
    if (!(MEMBER_KEYS as readonly string[]).includes(key)) {
      problems.add(
        new ConfigError(`${label}: unknown key \`${key}\`; expected one of ${MEMBER_KEYS.join(', ')}.`)
      );
    }
  }
  for (const key of MEMBER_KEYS) {
    const value = entry[key];
    if (value === undefined || value === null) continue;
    const at = `${label}, key \`${key}\``;
    if (key === 'metrics') {
      if (!Array.isArray(value))
        problems.add(expectedError(at, 'a list of metrics, as under `metrics:` in an analysis file'));
    } else if (LIST_KEYS.includes(key)) {
      const items = Array.isArray(value) ? value : [value];
      if (!items.every(isScalar)) problems.add(expectedError(at, 'a text or a list of texts'));
    } else if (!isScalar(value)) {
      problems.add(expectedError(at, 'a single value (text or number)', JSON.stringify(value)));
    }
  }
  if (entry.config !== undefined && entry.metrics !== undefined) {
    problems.add(
      new ConfigError(
        `${label}: keys \`config\` and \`metrics\` are both set: give the metrics in one of them.`
      )
    );
  }
}

/** Two entries for one release, or a canary name that is another entry's release, would fight over it. */
function checkNames(entries: Entry[], names: string[], where: string, problems: ProblemCollector): void {
  const seen = new Map<string, number>();
  names.forEach((name, index) => {
    if (name === '') return;
    const first = seen.get(name);
    if (first !== undefined) {
      problems.add(
        new ConfigError(
          `${where}, entry ${index + 1}: release \`${name}\` is listed twice (also entry ${first + 1}); each release appears once.`
        )
      );
    } else seen.set(name, index);
  });
  entries.forEach((entry, index) => {
    const canary =
      typeof entry['canary-release'] === 'string' ? entry['canary-release'] : `${names[index]}-canary`;
    const clash = names.indexOf(canary);
    if (names[index] !== '' && clash >= 0) {
      problems.add(
        new ConfigError(
          `${entryLabel(where, index, entry)}: its canary release \`${canary}\` is entry ${clash + 1}'s release; choose another \`canary-release\`.`
        )
      );
    }
  });
}

/**
 * Each entry's depth (the longest `after:` chain to it), with a problem for an `after:` that names
 * no release of the group and for every cycle, named in order ("a → b → a").
 */
function dependencyDepths(
  names: string[],
  afters: string[][],
  where: string,
  problems: ProblemCollector
): (number | undefined)[] {
  const indexOf = new Map(names.map((name, index) => [name, index]));
  afters.forEach((after, index) => {
    for (const name of after) {
      if (!indexOf.has(name)) {
        problems.add(
          new ConfigError(
            `${where}, entry ${index + 1} (${names[index]}), key \`after\`: \`${name}\` is not a release of this group; expected one of ${[...new Set(names.filter(Boolean))].join(', ')}.`
          )
        );
      }
    }
  });
  const depths: (number | undefined)[] = [];
  const cycles = new Set<string>();
  const visit = (index: number, path: number[]): number | undefined => {
    if (depths[index] !== undefined) return depths[index];
    const at = path.indexOf(index);
    if (at >= 0) {
      // The same cycle is met from each of its members: name it once, from the first listed.
      const loop = path.slice(at);
      const start = loop.indexOf(Math.min(...loop));
      const rotated = [...loop.slice(start), ...loop.slice(0, start)];
      cycles.add([...rotated, rotated[0]].map((i) => names[i]).join(' → '));
      return undefined;
    }
    let depth = 0;
    for (const name of afters[index]) {
      const dependency = indexOf.get(name);
      if (dependency === undefined) continue;
      const below = visit(dependency, [...path, index]);
      if (below === undefined) return undefined;
      depth = Math.max(depth, below + 1);
    }
    depths[index] = depth;
    return depth;
  };
  names.forEach((_, index) => visit(index, []));
  for (const cycle of cycles) {
    problems.add(
      new ConfigError(
        `${where}: the \`after:\` dependencies form a cycle: ${cycle}; a release cannot wait for itself.`
      )
    );
  }
  return depths;
}

/** The getter readRolloutSpec reads a member through: its key first, the action's input otherwise. */
function memberInput(
  entry: Entry,
  getInput: (name: string) => string,
  alpha: number
): (name: string) => string {
  const ownMetrics = entry.metrics !== undefined || entry.config !== undefined;
  return (name) => {
    if (name === 'alpha') return String(alpha);
    if (name === 'group') return '';
    if (name === 'analysis') {
      if (entry.metrics !== undefined) return stringify({ metrics: entry.metrics });
      return ownMetrics ? '' : getInput(name);
    }
    if (name === 'config' && ownMetrics) return textOf(entry.config);
    const key = name as MemberKey;
    if ((MEMBER_KEYS as readonly string[]).includes(key) && entry[key] !== undefined && entry[key] !== null) {
      return LIST_KEYS.includes(key) ? listOf(entry[key]).join('\n') : textOf(entry[key]);
    }
    if ((PER_RELEASE_INPUTS as readonly string[]).includes(name)) return '';
    return getInput(name);
  };
}

/** Whether a setting of readRolloutSpec came from the entry (so a message names the file's key). */
function givenKey(entry: Entry, name: InputName): boolean {
  const key = keyOf(name);
  return entry[key] !== undefined && entry[key] !== null;
}

function keyOf(name: InputName): string {
  return name === 'analysis' ? 'metrics' : name;
}

function entryLabel(where: string, index: number, entry: Entry): string {
  const name = typeof entry?.release === 'string' ? ` (${entry.release})` : '';
  return `${where}, entry ${index + 1}${name}`;
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function textOf(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

function listOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter(isScalar).map(String);
}
