// The workflow file as the local runner reads it (workflow-runner.ts): a reusable workflow's jobs and
// their needs, the caller's inputs checked against workflow_call as GitHub checks them, and a job's matrix.
import fs from 'node:fs';
import { parse } from 'yaml';

/** What the calling workflow passes: `with:` and `secrets:`. */
export interface Caller {
  readonly with: Readonly<Record<string, string | number | boolean>>;
  readonly secrets: Readonly<Record<string, string>>;
}

export interface WorkflowStep {
  id?: string;
  name?: string;
  if?: string | boolean;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  shell?: string;
}

export interface WorkflowJob {
  name?: string;
  needs?: string | string[];
  if?: string | boolean;
  environment?: string | { name?: string };
  env?: Record<string, unknown>;
  outputs?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown> };
  steps?: WorkflowStep[];
  uses?: string;
}

interface WorkflowCallInput {
  type?: 'string' | 'boolean' | 'number';
  required?: boolean;
  default?: unknown;
}

export interface Workflow {
  on?: {
    workflow_call?: {
      inputs?: Record<string, WorkflowCallInput>;
      secrets?: Record<string, { required?: boolean }>;
    };
  };
  env?: Record<string, unknown>;
  jobs?: Record<string, WorkflowJob>;
}

export function readWorkflow(file: string): Workflow {
  const workflow = parse(fs.readFileSync(file, 'utf8')) as Workflow;
  if (!workflow?.on?.workflow_call) throw new Error(`${file}: not a reusable workflow (no on.workflow_call)`);
  if (!workflow.jobs || Object.keys(workflow.jobs).length === 0) throw new Error(`${file}: no jobs`);
  return workflow;
}

/** The `inputs` and `secrets` contexts, as GitHub makes them from the caller; errors name the input. */
export function callerContexts(
  workflow: Workflow,
  caller: Caller,
  file: string
): { inputs: Record<string, unknown>; secrets: Record<string, string> } {
  const declared = workflow.on?.workflow_call?.inputs ?? {};
  const problems: string[] = [];
  const inputs: Record<string, unknown> = {};
  for (const name of Object.keys(caller.with))
    if (!(name in declared)) problems.push(`input ${name}: not an input of ${file}`);
  for (const [name, spec] of Object.entries(declared)) {
    const given = caller.with[name];
    if (given === undefined) {
      if (spec.required) problems.push(`input ${name}: required by ${file}`);
      else inputs[name] = spec.default ?? (spec.type === 'boolean' ? false : spec.type === 'number' ? 0 : '');
      continue;
    }
    const type = spec.type ?? 'string';
    if (typeof given !== type)
      problems.push(`input ${name}: expected a ${type}, got ${JSON.stringify(given)}`);
    inputs[name] = given;
  }
  const declaredSecrets = workflow.on?.workflow_call?.secrets ?? {};
  for (const name of Object.keys(caller.secrets))
    if (!(name in declaredSecrets)) problems.push(`secret ${name}: not a secret of ${file}`);
  for (const [name, spec] of Object.entries(declaredSecrets))
    if (spec?.required && !caller.secrets[name]) problems.push(`secret ${name}: required by ${file}`);
  if (problems.length > 0)
    throw new Error(`${file}: the caller's inputs are refused:\n- ${problems.join('\n- ')}`);
  return { inputs, secrets: { ...caller.secrets } };
}

/** The jobs in an order where each comes after every job it needs; an unknown need or a cycle is an error. */
export function jobOrder(jobs: Record<string, { needs?: string | string[] }>): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (id: string, from?: string): void => {
    if (order.includes(id)) return;
    if (!(id in jobs)) throw new Error(`job ${from} needs ${id}, which is not a job of the workflow`);
    if (visiting.has(id)) throw new Error(`jobs ${[...visiting].join(' -> ')} -> ${id}: a cycle of needs`);
    visiting.add(id);
    for (const need of needsOf(jobs[id])) visit(need, id);
    visiting.delete(id);
    order.push(id);
  };
  for (const id of Object.keys(jobs)) visit(id);
  return order;
}

export const needsOf = (job: { needs?: string | string[] }): string[] => [job.needs ?? []].flat();

/** Every combination of the matrix's keys (no include/exclude: the waves workflow uses none). */
export function matrixCombinations(
  matrix: Record<string, unknown>,
  job: string
): Array<Record<string, unknown>> {
  let combinations: Array<Record<string, unknown>> = [{}];
  for (const [key, values] of Object.entries(matrix)) {
    if (key === 'include' || key === 'exclude')
      throw new Error(`job ${job}: matrix ${key} is not supported here`);
    if (!Array.isArray(values) || values.length === 0)
      throw new Error(`job ${job}: matrix ${key} is not a non-empty array (${JSON.stringify(values)})`);
    combinations = combinations.flatMap((c) => values.map((v: unknown) => ({ ...c, [key]: v })));
  }
  return combinations;
}
