// Finds the workflow file and the line of the canary step, for annotations. Reads the checked-out
// workflow when it is there; otherwise line 1 of the file, which GitHub still links to.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { workflowPathFromRef, type StepLocation } from './annotations.js';

export function locateWorkflowStep(
  env: NodeJS.ProcessEnv = process.env,
  read: (file: string) => string = (file) => readFileSync(file, 'utf8')
): StepLocation | undefined {
  const file = workflowPathFromRef(env.GITHUB_WORKFLOW_REF);
  if (!file) return undefined;
  let text: string;
  try {
    text = read(path.join(env.GITHUB_WORKSPACE ?? '.', file));
  } catch {
    return { path: file, line: 1 };
  }
  return { path: file, line: findStepLine(text.split(/\r?\n/), env) ?? 1 };
}

/** The step's `id:` line (GITHUB_ACTION is the step id unless GitHub generated one), else its `uses:`. */
export function findStepLine(lines: string[], env: NodeJS.ProcessEnv): number | undefined {
  const stepId = env.GITHUB_ACTION;
  if (stepId && !stepId.startsWith('__')) {
    const i = lines.findIndex((l) =>
      new RegExp(`^\\s*(-\\s+)?id:\\s*['"]?${escapeRegExp(stepId)}['"]?\\s*$`).test(l)
    );
    if (i >= 0) return i + 1;
  }
  const repo = env.GITHUB_ACTION_REPOSITORY;
  const uses = lines.findIndex((l) => {
    const m = /^\s*(-\s+)?uses:\s*['"]?([^'"\s#]+)/.exec(l);
    return m !== null && (repo ? m[2].split('@')[0] === repo : m[2].startsWith('./'));
  });
  return uses >= 0 ? uses + 1 : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
