import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      '.local',
      // serverless-esbuild's work folders: .esbuild and .esbuild-<run> (OSHOP_ESBUILD_DIR)
      '.esbuild*',
      '.schemathesis',
      '.serverless',
      'bench/results',
      'coverage',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // serverless.yml helpers: CommonJS, loaded by the framework (a plugin must be a class).
    files: ['serverless/*.cjs', '.dependency-cruiser.cjs'],
    // (monitoring.cjs requires the metrics' one list, a JSON file the code reads too.)
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
    rules: {
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-dynamic-delete': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Artillery processors: CommonJS, loaded by Artillery (its own Node, its own require).
    files: ['artillery/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', Buffer: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // In tests a failed `!` is a failed test, which is what it should be.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
