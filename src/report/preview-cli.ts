// `npm run report:preview -- RECORD.json [--name NAME] [--markdown]`: prints the check-run request
// body the reporter would send for a saved rollout record, or with --markdown just the summary and
// the text, to review the rendering.
import { readFileSync } from 'node:fs';
import type { RolloutRecord } from '../rollout/record.js';
import { previewCheckRun } from './preview.js';

function main(argv: string[]): number {
  const args = [...argv];
  const markdown = take(args, '--markdown');
  const nameAt = args.indexOf('--name');
  const name = nameAt >= 0 ? args.splice(nameAt, 2)[1] : undefined;
  const file = args[0];
  if (!file || args.length > 1) {
    process.stderr.write(
      'Usage: npm run report:preview -- RECORD.json [--name "canary / storefront"] [--markdown]\n'
    );
    return 2;
  }
  let record: RolloutRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as RolloutRecord;
  } catch (error) {
    process.stderr.write(`Cannot read the rollout record ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    const body = previewCheckRun(record, { name, workflowRef: process.env.GITHUB_WORKFLOW_REF });
    process.stdout.write(
      markdown
        ? `# ${body.output.title}\n\n${body.output.summary}\n${body.output.text}`
        : `${JSON.stringify(body, null, 2)}\n`
    );
    return 0;
  } catch (error) {
    process.stderr.write(`${file}: ${(error as Error).message}\n`);
    return 1;
  }
}

function take(args: string[], flag: string): boolean {
  const i = args.indexOf(flag);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}

process.exitCode = main(process.argv.slice(2));
