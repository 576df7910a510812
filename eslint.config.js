import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
    files: ['src/rollout/**/*.ts', 'src/judge/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@actions/*', 'axios', 'node:child_process', 'child_process', 'node:fs', 'fs'] }
      ]
    }
  }
);
