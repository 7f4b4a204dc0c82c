import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SERVER_MAIN = resolve(ROOT, 'src/server/main.ts');

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the real sync server (`src/server/main.ts`) as its own process,
 * as `npm run server` would, and waits for the log line that gives its
 * address. `port` 0 picks a free one; pass the old port to restart a server
 * where the app expects it.
 */
export async function startServerProcess(options: {
  /** Store options: `--data <dir>` and/or `--database-url <url>`. */
  storeArgs: string[];
  /** `RESONATE_SERVER_CONFIG` overrides (fast hashing in tests). */
  config?: object;
  port?: number;
}): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      SERVER_MAIN,
      '--port',
      String(options.port ?? 0),
      '--log-level',
      'info',
      ...options.storeArgs,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, RESONATE_SERVER_CONFIG: JSON.stringify(options.config ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start: ${stderr}`)), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { url?: string };
        if (entry.url) {
          clearTimeout(timer);
          done(entry.url);
        }
      } catch {
        /* not a log line */
      }
    });
    child.once('exit', (code) => fail(new Error(`server exited ${code}: ${stderr}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill(signal);
      }),
  };
}
