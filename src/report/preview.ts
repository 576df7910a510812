// What the check run would receive for a saved rollout record: the create body for a record still
// in progress, or the completed one for a decided record. Used by `npm run report:preview`.
import type { RolloutRecord } from '../rollout/record.js';
import { rollbackAnnotations, workflowPathFromRef } from './annotations.js';
import { createBody, defaultCheckName, type CreateCheckRunBody } from './request-body.js';

export const HEAD_SHA_PLACEHOLDER = '<head-sha: pull_request.head.sha or GITHUB_SHA>';

export function previewCheckRun(
  record: RolloutRecord,
  options: { name?: string; workflowRef?: string } = {}
): CreateCheckRunBody {
  if (record.schemaVersion !== 1 || !record.release || !Array.isArray(record.ticks))
    throw new Error(
      'The file is not a rollout record (expected the JSON of the `report` output, schemaVersion 1)'
    );
  const file = workflowPathFromRef(options.workflowRef);
  return createBody(
    record,
    {
      name: options.name || defaultCheckName(record.release),
      headSha: record.run?.sha ?? HEAD_SHA_PLACEHOLDER,
      detailsUrl: record.run?.url
    },
    {
      workflowFile: file?.split('/').pop(),
      annotations: rollbackAnnotations(record, file ? { path: file, line: 1 } : undefined)
    }
  );
}
