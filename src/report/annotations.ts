// The error annotation a rollback leaves on the workflow step. Pure: the location is looked up
// elsewhere (workflow-location.ts).
import type { RolloutRecord } from '../rollout/record.js';
import type { CheckAnnotation } from './request-body.js';
import { renderTitle } from './title.js';

/** Where in the repository the canary step is written. */
export interface StepLocation {
  /** Repository-relative, e.g. `.github/workflows/release.yml`. */
  path: string;
  line: number;
}

/** `owner/repo/.github/workflows/release.yml@refs/heads/main` -> `.github/workflows/release.yml`. */
export function workflowPathFromRef(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const withoutRef = ref.split('@')[0];
  const at = withoutRef.indexOf('.github/workflows/');
  return at >= 0 ? withoutRef.slice(at) : undefined;
}

/** Rollbacks and failures deserve an error on the step that ran them. */
export function needsErrorAnnotation(record: RolloutRecord): boolean {
  return record.decision === 'rolled-back' || record.decision === 'failed';
}

export function annotationMessage(record: RolloutRecord): string {
  const reason = record.reason ? `\n${record.reason}` : '';
  return `Canary ${record.canaryRelease} (${record.version}) in ${record.namespace}: ${renderTitle(record)}${reason}`;
}

/** The check-run annotation for a rollback, or none when the record does not call for one. */
export function rollbackAnnotations(
  record: RolloutRecord,
  location: StepLocation | undefined
): CheckAnnotation[] {
  if (!location || !needsErrorAnnotation(record)) return [];
  return [
    {
      path: location.path,
      start_line: location.line,
      end_line: location.line,
      annotation_level: 'failure',
      title: `canary / ${record.release}: ${record.decision === 'failed' ? 'failed' : 'rolled back'}`,
      message: annotationMessage(record)
    }
  ];
}
