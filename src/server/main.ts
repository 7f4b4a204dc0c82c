import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { buildServer, startServer, type ServerOptions } from './app';
import { importRelease } from './catalog/import-release';
import { createUser } from './accounts/users';
import { grantCredits } from './credits/top-up';

/**
 * The server's command line:
 *   server [--port 8787] [--host 127.0.0.1] [--data ./server-data] [--database-url postgres://…]
 *   server import-release <folder> --artist "<name>" [--free] [--title "<release>"] [--data <dir>] [--database-url …]
 *   server add-user --email <e> --password <p> [--role listener|artist|admin] [--data <dir>]
 *   server grant --email <e> --thousandths <n> [--data <dir>]
 * Environment: RESONATE_DATABASE_URL, RESONATE_SERVER_CONFIG (JSON overrides of ServerConfig).
 * Prints JSON on stdout for the admin commands.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string', default: './server-data' },
    'database-url': { type: 'string' },
    artist: { type: 'string' },
    title: { type: 'string' },
    free: { type: 'boolean', default: false },
    email: { type: 'string' },
    password: { type: 'string' },
    role: { type: 'string', default: 'listener' },
    thousandths: { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
  },
});

const options: ServerOptions = {
  dataDir: resolve(values.data!),
  databaseUrl: values['database-url'] ?? process.env.RESONATE_DATABASE_URL,
  config: process.env.RESONATE_SERVER_CONFIG ? JSON.parse(process.env.RESONATE_SERVER_CONFIG) : undefined,
  logLevel: values['log-level'],
};

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function adminCommand(run: (server: Awaited<ReturnType<typeof buildServer>>) => Promise<unknown>) {
  const server = await buildServer({ ...options, logLevel: 'warn' });
  try {
    process.stdout.write(`${JSON.stringify(await run(server), null, 2)}\n`);
  } finally {
    await server.close();
  }
}

const [command, ...args] = positionals;
switch (command) {
  case undefined:
  case 'serve': {
    const server = await startServer({ ...options, port: Number(values.port), host: values.host });
    server.ctx.log.info({ url: server.url, store: server.ctx.store.kind }, 'resonate sync server listening');
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        void server.close().then(() => process.exit(0));
      });
    }
    break;
  }
  case 'import-release': {
    const folder = args[0] ?? fail('usage: import-release <folder> --artist "<name>"');
    const artist = values.artist ?? fail('--artist is required');
    await adminCommand(({ ctx }) =>
      importRelease(ctx, resolve(folder), {
        artist,
        status: values.free ? 'free' : 'paid',
        title: values.title,
      }),
    );
    break;
  }
  case 'add-user': {
    const role = values.role as 'listener' | 'artist' | 'admin';
    if (!['listener', 'artist', 'admin'].includes(role)) fail('--role must be listener, artist or admin');
    const email = values.email ?? fail('--email is required');
    const password = values.password ?? fail('--password is required');
    await adminCommand(({ ctx }) => createUser(ctx, { email, password, role }));
    break;
  }
  case 'grant': {
    const email = values.email ?? fail('--email is required');
    const amount = Number(values.thousandths);
    if (!Number.isSafeInteger(amount) || amount <= 0) fail('--thousandths must be a positive integer');
    await adminCommand(async ({ ctx }) => {
      const user = await ctx.store.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst();
      if (!user) fail(`no user ${email}`);
      return grantCredits(ctx, user.id, amount, 'granted from the command line');
    });
    break;
  }
  default:
    fail(`unknown command ${command}`);
}
