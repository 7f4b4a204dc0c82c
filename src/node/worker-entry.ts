import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type * as EsbuildApi from 'esbuild';

/**
 * Where a worker thread's code is. Built, the electron-vite bundle emits each
 * worker as an entry of its own next to the main bundle (`<name>.js`).
 * From source (vitest, tsx: tests, the CLI, the web host, the server), it is
 * the `.ts` file next to the pool, with `typescript: true`.
 */
export interface WorkerEntry {
  url: URL;
  typescript?: boolean;
}

/** The worker `<name>` next to the module at `moduleUrl` (pass `import.meta.url`), built or from source. */
export function defaultWorkerEntry(moduleUrl: string, name: string): WorkerEntry {
  const typescript = /\.[cm]?ts$/.test(new URL(moduleUrl).pathname);
  return { url: new URL(`./${name}.${typescript ? 'ts' : 'js'}`, moduleUrl), typescript };
}

/**
 * Starts a worker on the entry. A TypeScript entry is bundled once per
 * process with esbuild (dependencies left to node_modules, as the app's build
 * does), so the worker loads plain JavaScript in ~0.1 s instead of resolving
 * every module through tsx's loader thread (~0.8 s). If that fails, a small
 * bootstrap imports the entry through tsx's `tsImport`: `execArgv:
 * ['--import', 'tsx']` does not reach worker threads on Node 20.
 */
export function startWorker(entry: WorkerEntry, options: { workerData?: unknown } = {}): Worker {
  if (!entry.typescript) return new Worker(entry.url, options);
  const bundle = bundledEntry(entry.url);
  // Without the parent's `--import tsx`: the bundle is plain JavaScript.
  if (bundle) return new Worker(bundle, { ...options, execArgv: [] });
  // `require.resolve` finds the CommonJS build; its ES module twin sits beside it.
  const tsxApiCjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const tsxApi = pathToFileURL(tsxApiCjs.replace(/index\.cjs$/, 'index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => api.tsImport(${JSON.stringify(entry.url.href)}, ${JSON.stringify(entry.url.href)}))`;
  return new Worker(bootstrap, { ...options, eval: true });
}

const bundles = new Map<string, URL | null>();

function bundledEntry(entry: URL): URL | null {
  if (bundles.has(entry.href)) return bundles.get(entry.href)!;
  let url: URL | null;
  try {
    const require = createRequire(import.meta.url);
    const esbuild = require('esbuild') as typeof EsbuildApi;
    const source = fileURLToPath(entry);
    const result = esbuild.buildSync({
      entryPoints: [source],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    // Next to the dependencies, so the bundle's imports resolve as the app's do.
    const modules = require.resolve('esbuild');
    const nodeModules = modules.slice(0, modules.lastIndexOf('node_modules') + 'node_modules'.length);
    const dir = join(nodeModules, '.cache', 'resonate-workers');
    const file = join(
      dir,
      `${basename(source).replace(/\.[cm]?ts$/, '')}-${createHash('sha1').update(code).digest('hex').slice(0, 12)}.mjs`,
    );
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${file}.tmp${process.pid}`, code);
      renameIfStillMissing(`${file}.tmp${process.pid}`, file);
    }
    url = pathToFileURL(file);
  } catch {
    url = null;
  }
  bundles.set(entry.href, url);
  return url;
}

/** Another process may have written the same bundle first; either copy is the same code. */
function renameIfStillMissing(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if (!existsSync(to)) throw error;
  }
}
