// The lint rule on paths: nothing in the pure core (rollout, judge, preflight, and the ports and
// helpers they use) may import an adapter, directly or through a port or helper file.
import { jest } from '@jest/globals';
import { ESLint } from 'eslint';
import path from 'node:path';

jest.setTimeout(60_000);

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(process.cwd(), file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

test.each([
  ['src/rollout/x.ts', "import { HelmDeployer } from '../deploy/helm.js';\nexport const x = HelmDeployer;\n"],
  [
    'src/judge/x.ts',
    "import { createReporter } from '../report/index.js';\nexport const x = createReporter;\n"
  ],
  // A port file that pulled in an adapter would let the core reach it indirectly: refused too.
  ['src/deploy/types.ts', "import { HelmDeployer } from './helm.js';\nexport const x = HelmDeployer;\n"],
  ['src/format.ts', "import { createAdapters } from './wiring.js';\nexport const x = createAdapters;\n"]
])('%s may not import an adapter', async (file, code) => {
  expect(await problems(file, code)).toEqual([
    expect.stringMatching(/^import-x\/no-restricted-paths: .*only through ports/)
  ]);
});

test('the core may import ports and shared helpers', async () => {
  const code =
    "import type { Deployer } from '../deploy/types.js';\nimport { retry } from '../retry.js';\n" +
    'export const x = (d: Deployer) => retry(() => d.detect(), { attempts: 1, delayMs: 0, sleep: async () => {} });\n';
  expect(await problems('src/rollout/x.ts', code)).toEqual([]);
});
