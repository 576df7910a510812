// An error annotation in the workflow log on rollback or failure, pointing at the canary step when
// the workflow file is known. Independent of the check run, so it shows without `checks: write`.
import * as core from '@actions/core';
import type { RolloutRecord } from '../rollout/record.js';
import { annotationMessage, needsErrorAnnotation, type StepLocation } from './annotations.js';
import type { Reporter } from './types.js';

export class LogAnnotationReporter implements Reporter {
  constructor(private readonly location?: StepLocation) {}

  async start(_record: RolloutRecord): Promise<void> {}

  async update(_record: RolloutRecord): Promise<void> {}

  async finish(record: RolloutRecord): Promise<void> {
    if (!needsErrorAnnotation(record)) return;
    const properties: core.AnnotationProperties = {
      title: `canary / ${record.release}: ${record.decision === 'failed' ? 'failed' : 'rolled back'}`
    };
    if (this.location) {
      properties.file = this.location.path;
      properties.startLine = this.location.line;
    }
    core.error(annotationMessage(record), properties);
  }
}
