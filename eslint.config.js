import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'stream', 'url', 'util', 'http', 'https', 'net'];
const restrict = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.bench-cache/**', '.web-data/**', 'server-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict([...nodeBuiltins, 'electron', '**/main/**', '**/server/**', '**/node/**', '**/web-host/**'], 'The renderer runs in a browser: reach the main process through the contract.'),
    },
  },
  {
    // Tests read untyped JSON answers from real servers and processes.
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // The layering of docs/architecture.md, enforced.
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict([...nodeBuiltins, 'electron', 'react', 'react-dom', '**/main/**', '**/renderer/**', '**/server/**', '**/node/**'], 'src/shared runs everywhere: no Node, DOM, Electron or process-specific imports.'),
  },
  {
    files: ['src/shared/**/*.ts'],
    languageOptions: { globals: {} },
  },
  {
    files: ['src/main/services/**/*.ts', 'src/node/**/*.ts', 'src/web-host/**/*.ts', 'src/cli/**/*.ts'],
    rules: restrict(['electron', 'electron/*', 'electron-store', '**/renderer/**', '**/main/electron/**'], 'Services run under plain Node: only src/main/electron and src/main/index.ts may import electron.'),
  },
  {
    files: ['src/server/**/*.ts'],
    rules: restrict(['electron', 'electron/*', '**/main/**', '**/renderer/**'], 'The server shares only src/shared and src/node with the app.'),
  },
);
