import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../main/services/core/logger';
import { startWebHost } from './web-host';

/**
 * `npm run web [-- --port 5178 --data ./web-data]`: serves the built
 * renderer with the app's services on 127.0.0.1, and prints the address to
 * open (it carries this run's token).
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '5178' },
    data: { type: 'string', default: join(root, '.web-data') },
    renderer: { type: 'string', default: join(root, 'out/renderer') },
    token: { type: 'string' },
  },
  strict: true,
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be a port number, got ${values.port}\n`);
  process.exit(2);
}
const dataDir = resolve(values.data!);
mkdirSync(dataDir, { recursive: true });
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const logger = createLogger({ name: 'web-host' });

const host = await startWebHost({
  dataDir,
  rendererDir: resolve(values.renderer!),
  port,
  ...(values.token ? { token: values.token } : {}),
  logger,
  appVersion: version,
});
// The one line a person or a test reads to find the app.
process.stdout.write(`Resonate web host: ${host.openUrl}\n`);

const shutdown = () => {
  void host.close().finally(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
