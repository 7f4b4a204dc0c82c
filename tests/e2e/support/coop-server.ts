import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fromLavfi, sineTone, tagOptions } from '../../support/ffmpeg';
import { startServerProcess } from '../../support/server-process';

const ROOT = resolve(import.meta.dirname, '../../..');
const MAIN = join(ROOT, 'src/server/main.ts');
/** Fast password hashing and no sign-in rate limit, as the server's own tests use. */
const CONFIG = JSON.stringify({
  passwordHashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
  authRateLimitPerMinute: 10_000,
});
const env = () => ({ ...process.env, RESONATE_SERVER_CONFIG: CONFIG });

export interface CoopServer {
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

/** A real sync server process on SQLite in `dataDir`; `port` 0 picks one (restart on the same port to keep the app's URL). */
export async function startCoopServer(dataDir: string, port = 0): Promise<CoopServer> {
  const server = await startServerProcess({
    storeArgs: ['--data', dataDir],
    config: JSON.parse(CONFIG) as object,
    port,
  });
  return { url: server.url, port: server.port, dataDir, stop: () => server.stop() };
}

/** Runs an admin command of the server CLI on its data folder; answers its JSON output. */
export async function serverCli<T = any>(dataDir: string, args: string[]): Promise<T> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', MAIN, ...args, '--data', dataDir],
    { cwd: ROOT, env: env() },
  );
  return JSON.parse(stdout) as T;
}

/** Real audio made by ffmpeg: one tagged MP3 per entry, `seconds` long. */
export function makeRelease(tracks: { title: string; seconds: number }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'resonate-e2e-release-'));
  tracks.forEach((t, i) =>
    fromLavfi(
      sineTone(330 + i * 110, t.seconds),
      ['-ac', '1', '-b:a', '32k', ...tagOptions({ title: t.title, track: i + 1 })],
      join(dir, `${String(i + 1).padStart(2, '0')}.mp3`),
    ),
  );
  return dir;
}

/** A minimal client of the server's HTTP API (`/v1`), as a user or an admin. */
export class ServerApi {
  constructor(
    readonly base: string,
    public token = '',
  ) {}

  static async signIn(base: string, email: string, password: string): Promise<ServerApi> {
    const api = new ServerApi(base);
    const answer = await api.call('POST', '/v1/auth/sign-in', { email, password });
    if (answer.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(answer.body)}`);
    api.token = (answer.body as { token: string }).token;
    return api;
  }

  async call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(this.base + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }
  get<T = any>(path: string) {
    return this.call<T>('GET', path);
  }
  post<T = any>(path: string, body: unknown) {
    return this.call<T>('POST', path, body);
  }
}

/** A server with one imported paid release and an admin; answers what the tests need. */
export async function seededCoopServer(
  tracks: { title: string; seconds: number }[],
  releaseTitle: string,
  artist: string,
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'resonate-e2e-server-'));
  const imported = await serverCli<{
    artistId: string;
    releaseId: string;
    tracks: { id: string; title: string }[];
  }>(dataDir, ['import-release', makeRelease(tracks), '--artist', artist, '--title', releaseTitle]);
  const adminEmail = `admin-${Date.now()}@example.org`;
  await serverCli(dataDir, [
    'add-user',
    '--email',
    adminEmail,
    '--password',
    'admin password',
    '--role',
    'admin',
  ]);
  const server = await startCoopServer(dataDir);
  const admin = await ServerApi.signIn(server.url, adminEmail, 'admin password');
  return { server, admin, imported, dataDir };
}
