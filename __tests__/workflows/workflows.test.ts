// Every workflow we ship or copy, and action.yml, must pass a real workflow validator.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const validator = require('@action-validator/core') as {
  validateAction(src: string): { errors: unknown[] };
  validateWorkflow(src: string): { errors: unknown[] };
};

const root = path.resolve(import.meta.dirname, '../..');
const workflowFiles = [
  ...fs.readdirSync(path.join(root, '.github/workflows')).map((f) => path.join('.github/workflows', f)),
  ...fs.readdirSync(path.join(root, 'examples')).map((f) => path.join('examples', f))
].filter((f) => /\.ya?ml$/.test(f));

describe('workflows and action.yml', () => {
  it('ships the workflows users copy and the real-cluster e2e', () => {
    expect(workflowFiles).toEqual(
      expect.arrayContaining([
        'examples/release.yml',
        'examples/manual-rollout.yml',
        'examples/waves.yml',
        '.github/workflows/waves.yml',
        '.github/workflows/e2e-kind.yml',
        '.github/workflows/ci.yml'
      ])
    );
  });

  it.each(workflowFiles)('%s is a valid workflow', (file) => {
    const result = validator.validateWorkflow(fs.readFileSync(path.join(root, file), 'utf8'));
    expect(result.errors).toEqual([]);
  });

  it('action.yml is a valid action on node24', () => {
    const source = fs.readFileSync(path.join(root, 'action.yml'), 'utf8');
    expect(parse(source).runs.using).toBe('node24');
    // The validator's schema (0.6.0) predates node24 and only knows node12/16/20; everything else
    // in the file is validated as is.
    const result = validator.validateAction(source.replace(/using: ['"]?node24['"]?/, "using: 'node20'"));
    expect(result.errors).toEqual([]);
  });

  it('manual-rollout offers every command, has checks: write and a concurrency group', () => {
    const workflow = parse(fs.readFileSync(path.join(root, 'examples/manual-rollout.yml'), 'utf8'));
    expect(workflow.on.workflow_dispatch.inputs.command.options).toEqual([
      'deploy',
      'promote',
      'rollback',
      'status'
    ]);
    expect(workflow.permissions).toEqual({ contents: 'read', checks: 'write' });
    expect(workflow.concurrency.group).toContain('storefront');
  });

  it('every input the workflows pass to the action exists in action.yml', () => {
    const action = parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8'));
    const known = new Set(Object.keys(action.inputs));
    for (const file of workflowFiles) {
      const workflow = parse(fs.readFileSync(path.join(root, file), 'utf8'));
      for (const job of Object.values<any>(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses === './' || String(step.uses ?? '').includes('canary-action')) {
            for (const input of Object.keys(step.with ?? {}))
              expect([file, input, known.has(input)]).toEqual([file, input, true]);
          }
        }
      }
    }
  });
});
