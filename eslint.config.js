import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// The pure core: the engine, the judge and the preflight, and the ports and helpers they may use.
// Nothing in it may import anything else under src/ (an adapter: Helm, Prometheus, GitHub, the
// wiring), and because the ports and helpers are held to the same rule, not even indirectly.
const CORE_DIRS = ['rollout', 'judge', 'preflight'];
const CORE_FILES = [
  'config/spec.ts',
  'deploy/types.ts',
  'routing/types.ts',
  'metrics/types.ts',
  // Pure: how release and namespace are escaped into PromQL, shared by the sampler and the preflight.
  'metrics/promql.ts',
  'report/types.ts',
  'format.ts',
  'clock.ts',
  'retry.ts',
  'error-message.ts',
  'abortable.ts'
];
const CORE = [...CORE_DIRS, ...CORE_FILES].map((p) => `./${p}`);
const ADAPTER_MESSAGE =
  'The engine, judge and preflight reach the world only through ports: import only the pure core (see CORE in eslint.config.js).';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', 'coverage/**', '.test-output/**', '.sandbox-state/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'child_process', message: 'Use @actions/exec or node:child_process with argv arrays.' }] }
      ]
    }
  },
  {
    files: ['app/**/*.js', 'sandbox/**/*.{js,mjs}', 'scripts/**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    files: ['__tests__/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' }
  },
  {
    // The engine and the judge are pure: the world is reached only through ports.
    files: [...CORE_DIRS.map((d) => `src/${d}/**/*.ts`), ...CORE_FILES.map((f) => `src/${f}`)],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })] },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@actions/*',
            '@octokit/*',
            '@kubernetes/*',
            'axios',
            'node:child_process',
            'child_process',
            'node:fs',
            'fs'
          ]
        }
      ],
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            {
              target: [...CORE_DIRS.map((d) => `./src/${d}`), ...CORE_FILES.map((f) => `./src/${f}`)],
              from: './src',
              except: CORE,
              message: ADAPTER_MESSAGE
            }
          ]
        }
      ]
    }
  }
);
