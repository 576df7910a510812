// What the sampler calls once, at its first read: the arm values for every placeholder the analysis
// uses. Stable's objects are read (through the port) only when a query needs more than the release
// and namespace names.
import type { AnalysisSpec, RolloutSpec } from '../config/spec.js';
import { placeholdersIn, templatesOf } from '../metrics/promql.js';
import { resolveArmValues, type ArmValues, type ManifestObject } from './arm-names.js';

/** The objects a release renders (the Helm adapter reads them from `helm get manifest`). */
export type ReleaseObjects = (release: string) => Promise<ManifestObject[]>;

const ALWAYS_KNOWN = new Set(['release', 'namespace']);

export function placeholdersOfAnalysis(analysis: Pick<AnalysisSpec, 'requests' | 'metrics'>): Set<string> {
  const templates = [analysis.requests, ...analysis.metrics.flatMap(templatesOf)];
  return new Set(templates.flatMap(placeholdersIn));
}

export async function resolveArms(
  spec: Pick<RolloutSpec, 'release' | 'canaryRelease' | 'namespace' | 'routing' | 'analysis'>,
  objects: ReleaseObjects
): Promise<ArmValues> {
  const needed = placeholdersOfAnalysis(spec.analysis);
  const needsObjects = [...needed].some((name) => !ALWAYS_KNOWN.has(name));
  return resolveArmValues({
    release: spec.release,
    canaryRelease: spec.canaryRelease,
    namespace: spec.namespace,
    routing: spec.routing,
    stableObjects: needsObjects ? await objects(spec.release) : [],
    needed
  });
}
