// Helm's output shapes for releases: `status`/`history`/`list`/`get values` in json, yaml and table,
// and the text `upgrade`/`install` print. Field names and types follow the real binary (e.g. `list`
// prints the revision as a string and its own time format; `history` prints it as a number).
import { stringify } from 'yaml';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n) => String(n).padStart(2, '0');

/** Go's time.ANSIC in UTC: "Mon Jan _2 15:04:05 2006". */
export function ansic(iso) {
  const d = new Date(iso);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${time} ${d.getUTCFullYear()}`;
}

/** What `helm list` prints for `updated`: Go's time.Time.String() in UTC. */
export function goTimeString(iso) {
  const d = new Date(iso);
  const date = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  const nanos = String(d.getUTCMilliseconds() * 1e6)
    .padStart(9, '0')
    .replace(/0+$/, '');
  return `${date} ${time}${nanos ? `.${nanos}` : ''} +0000 UTC`;
}

export function chartLabel(revision) {
  const m = revision.chart?.metadata ?? {};
  return `${m.name}-${m.version}`;
}

/** The release object as `helm status -o json` prints it. */
export function releaseJson(revision) {
  const out = {
    name: revision.name,
    info: { ...revision.info },
    chart: {
      metadata: revision.chart?.metadata ?? {},
      lock: null,
      templates: [],
      values: revision.chart?.values ?? {},
      schema: null,
      files: []
    },
    config: revision.config ?? {},
    manifest: revision.manifest ?? '',
    version: revision.version,
    namespace: revision.namespace
  };
  if (revision.labels && Object.keys(revision.labels).length > 0) out.labels = revision.labels;
  return out;
}

export function historyJson(revisions) {
  return revisions.map((r) => ({
    revision: r.version,
    updated: r.info.last_deployed,
    status: r.info.status,
    chart: chartLabel(r),
    app_version: r.chart?.metadata?.appVersion ?? '',
    description: r.info.description
  }));
}

export function listJson(revisions) {
  return revisions.map((r) => ({
    name: r.name,
    namespace: r.namespace,
    revision: String(r.version),
    updated: goTimeString(r.info.last_deployed),
    status: r.info.status,
    chart: chartLabel(r),
    app_version: r.chart?.metadata?.appVersion ?? ''
  }));
}

/** A tab-separated table with padded columns, like Helm's uitable. */
export function table(header, rows) {
  const all = [header, ...rows].map((row) => row.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  return `${all.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('\t')).join('\n')}\n`;
}

export function statusText(revision, { showNotes = true } = {}) {
  let text =
    `NAME: ${revision.name}\n` +
    `LAST DEPLOYED: ${ansic(revision.info.last_deployed)}\n` +
    `NAMESPACE: ${revision.namespace}\n` +
    `STATUS: ${revision.info.status}\n` +
    `REVISION: ${revision.version}\n` +
    `TEST SUITE: None\n`;
  if (showNotes && revision.info.notes) text += `NOTES:\n${revision.info.notes.trim()}\n`;
  return text;
}

export function historyText(revisions) {
  return table(
    ['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'],
    historyJson(revisions).map((h) => [
      h.revision,
      ansic(h.updated),
      h.status,
      h.chart,
      h.app_version,
      h.description
    ])
  );
}

export function listText(revisions) {
  return table(
    ['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION'],
    listJson(revisions).map((r) => [
      r.name,
      r.namespace,
      r.revision,
      r.updated,
      r.status,
      r.chart,
      r.app_version
    ])
  );
}

/** Encodes for -o json|yaml (json is compact with a newline, as Helm prints it). */
export function encode(format, data) {
  if (format === 'json') return `${JSON.stringify(data)}\n`;
  if (format === 'yaml') return data === null ? 'null\n' : stringify(data);
  throw new Error(`invalid format type "${format}"`);
}
