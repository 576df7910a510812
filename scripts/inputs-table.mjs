// Prints the README's inputs and outputs tables, generated from action.yml, so the two never drift.
// Usage: node scripts/inputs-table.mjs [path/to/action.yml]
// The lead pastes the output between <!-- inputs:start --> and <!-- inputs:end --> in README.md;
// __tests__/action-yml checks that the README lists every input and output.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** Markdown table cells cannot hold pipes or line breaks. */
function cell(text) {
  return String(text)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

function code(text) {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

export function renderTables(actionYmlText) {
  const action = parse(actionYmlText);
  const lines = ['### Inputs', '', '| Input | Description | Default |', '| --- | --- | --- |'];
  for (const [name, input] of Object.entries(action.inputs ?? {})) {
    const fallback =
      input.default === undefined || input.default === ''
        ? input.required
          ? '*required*'
          : ''
        : code(String(input.default));
    lines.push(`| ${code(name)} | ${cell(input.description ?? '')} | ${fallback} |`);
  }
  lines.push('', '### Outputs', '', '| Output | Description |', '| --- | --- |');
  for (const [name, output] of Object.entries(action.outputs ?? {})) {
    lines.push(`| ${code(name)} | ${cell(output.description ?? '')} |`);
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const file = process.argv[2] ?? path.join(root, 'action.yml');
  process.stdout.write(renderTables(fs.readFileSync(file, 'utf8')));
}
