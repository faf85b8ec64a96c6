// Lint: a few rules that catch real bugs here (a promise nobody awaits, a type import kept at runtime,
// Node I/O inside deterministic workflow code), with type information from tsconfig.json.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['fs', 'path', 'crypto', 'os', 'http', 'https', 'net', 'child_process', 'worker_threads', 'process', 'url', 'util', 'stream', 'events', 'dns', 'timers', 'zlib'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.local/**', 'coverage/**', 'dist/**', 'test/histories/**', 'test/fixtures/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        // the vitest configs sit outside tsconfig.json's folders
        projectService: { allowDefaultProject: ['vitest.*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // a leading underscore names what is dropped on purpose ({ secret: _s, ...rest }, an unused handler argument)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // workflow code is replayed deterministically inside Temporal's sandbox: I/O belongs in activities
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['node:*'], message: 'Workflow code must be deterministic: do I/O in an activity.' }],
        paths: NODE_BUILTINS.map((name) => ({ name, message: 'Workflow code must be deterministic: do I/O in an activity.' })),
      }],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
