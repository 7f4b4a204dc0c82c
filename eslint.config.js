import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'worker_threads',
  'stream',
  'url',
  'util',
  'http',
  'https',
  'net',
];
const restrict = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});

/**
 * The layer table of docs/architecture.md as an allow-list: each folder may import
 * only the folders listed for it (static `import`, `export ... from` and dynamic
 * `import()` alike, through import-x/no-restricted-paths): anything else under src/
 * is refused, so a new folder is importable by no layer until it is added here.
 */
const LAYERS = {
  'src/shared': { may: [], why: 'src/shared runs everywhere and imports only other src/shared files.' },
  'src/node': { may: ['src/shared'], why: 'src/node is Node-only helpers over src/shared.' },
  'src/main/services': {
    may: ['src/shared', 'src/node'],
    why: 'Services run under plain Node; the hosts pass them what lives elsewhere (e.g. the bundled server).',
  },
  'src/main/electron': {
    may: ['src/main/services', 'src/node', 'src/shared'],
    why: 'The Electron adapter wires services to Electron.',
  },
  'src/main/index.ts': {
    may: ['src/main/electron', 'src/main/services', 'src/node', 'src/shared', 'src/server/bundled.ts'],
    why: 'The Electron host: services, its adapter and the bundled server it hands to them.',
  },
  'src/preload': {
    may: ['src/shared/contract'],
    why: 'The preload bridges IPC and knows only the contract.',
  },
  'src/renderer': {
    may: ['src/shared'],
    why: 'The renderer runs in a browser: reach the main process through the contract.',
  },
  'src/web-host': {
    may: ['src/main/services', 'src/node', 'src/shared', 'src/server/bundled.ts'],
    why: 'The web host serves the services; of the server it may only start the bundled one.',
  },
  'src/server': {
    may: ['src/shared', 'src/node'],
    why: 'The server shares only src/shared and src/node with the app.',
  },
  'src/cli': {
    may: ['src/main/services', 'src/node', 'src/shared', 'src/server/bundled.ts'],
    why: 'The CLI uses services without Electron or the UI.',
  },
};
const layerZones = () =>
  Object.entries(LAYERS).map(([layer, { may, why }]) => ({
    target: layer.endsWith('.ts') ? `./${layer}` : `./${layer}/**`,
    from: './src',
    except: [layer, ...may].map((allowed) => `./${allowed.slice('src/'.length)}`),
    message: why,
  }));

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      '.bench-cache/**',
      '.web-data/**',
      'server-data/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      // Without these import-x reads no .ts/.tsx file it is led to, and so sees no cycle through one.
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] })],
    },
    rules: {
      // An import cycle fails lint, in every folder (tests included), static or dynamic `import()`.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // An import that does not resolve would hide a cycle or a layer break from the two rules.
      'import-x/no-unresolved': ['error', { ignore: ['^virtual:', '\\?(raw|url|worker)$'] }],
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
      ...restrict(
        [...nodeBuiltins, 'electron'],
        'The renderer runs in a browser: reach the main process through the contract.',
      ),
    },
  },
  {
    // Tests read untyped JSON answers from real servers and processes.
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // The layering of docs/architecture.md, enforced: folders by LAYERS above, packages by the rules below
  // (packages only in static imports: no-restricted-imports does not see `import()`).
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layerZones() }] },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict(
      [...nodeBuiltins, 'electron', 'react', 'react-dom'],
      'src/shared runs everywhere: no Node, DOM, Electron or process-specific imports.',
    ),
  },
  {
    files: ['src/shared/**/*.ts'],
    languageOptions: { globals: {} },
  },
  {
    // Functions a reader can hold (issue 13): no function over 80 lines (blank lines and comments aside) in the
    // shared code and the money path. A warning, so `npm run lint` (--max-warnings 0) fails on it.
    files: [
      'src/shared/**/*.ts',
      'src/server/settlement/**/*.ts',
      'src/server/credits/**/*.ts',
      'src/server/ledger/**/*.ts',
      'src/server/tlog/**/*.ts',
      'src/server/devices/**/*.ts',
      'src/main/services/wallet/**/*.ts',
      'src/main/services/sync/**/*.ts',
      'src/main/services/stream2own/**/*.ts',
      'src/main/services/tlog/**/*.ts',
      'src/main/services/artist/**/*.ts',
    ],
    rules: { 'max-lines-per-function': ['warn', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['src/main/services/**/*.ts', 'src/web-host/**/*.ts', 'src/cli/**/*.ts'],
    rules: restrict(
      ['electron', 'electron/*', 'electron-store', 'react', 'react-dom'],
      'Services run under plain Node: only src/main/electron and src/main/index.ts may import electron.',
    ),
  },
  {
    files: ['src/node/**/*.ts'],
    rules: restrict(
      ['electron', 'electron/*', 'electron-store', 'react', 'react-dom'],
      'src/node runs in every Node process (app, server, CLI, workers): no Electron, no UI.',
    ),
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: restrict(
      [...nodeBuiltins, 'electron-store'],
      "The preload runs sandboxed: only electron's contextBridge/ipcRenderer and the contract.",
    ),
  },
  {
    files: ['src/server/**/*.ts'],
    rules: restrict(
      ['electron', 'electron/*', 'electron-store', 'react', 'react-dom'],
      'The server shares only src/shared and src/node with the app.',
    ),
  },
);
