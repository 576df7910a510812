// The chart reference, in the three forms Helm takes: a local path (directory or .tgz), `repo/chart`
// from an added repository, or an `oci://` reference. Helm prefers a local path when it exists,
// so do we; a path-like reference that does not exist is an error that names it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expectedError } from './errors.js';

const REPO_CHART = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const EXPECTED = 'a chart: a local path (./charts/app), repo/chart, or oci://registry/path/chart';

export function parseChart(text: string, where: string, cwd: string): string {
  const chart = text.trim();
  if (chart === '') throw expectedError(where, EXPECTED, text);
  if (/\s/.test(chart)) throw expectedError(where, `${EXPECTED}, without spaces`, chart);
  if (chart.startsWith('oci://')) {
    if (!/^oci:\/\/[^/]+\/.+[^/]$/.test(chart))
      throw expectedError(where, 'an oci:// reference like oci://ghcr.io/org/charts/app', chart);
    return chart;
  }
  if (/^https?:\/\//.test(chart)) return chart;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(chart)) throw expectedError(where, EXPECTED, chart);

  const local = path.resolve(cwd, chart);
  if (existsSync(local)) return local;
  const firstSegment = chart.split('/')[0];
  const looksLikePath =
    chart.startsWith('.') ||
    path.isAbsolute(chart) ||
    /\.tgz$/.test(chart) ||
    !REPO_CHART.test(chart) ||
    existsSync(path.resolve(cwd, firstSegment));
  if (looksLikePath) {
    throw expectedError(where, `${EXPECTED}; the local path ${local} does not exist`, chart);
  }
  return chart;
}
