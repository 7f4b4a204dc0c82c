import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own process, one
 * after another (this machine has two cores; benchmarks must not compete).
 * Each prints one JSON object per line per figure:
 *   {"bench":"…","metric":"…","value":…,"unit":"…","target":"…"}
 * `npm run bench -- library` runs only the benchmarks whose file name contains `library`.
 */
const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();
let failed = 0;
for (const file of files) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    process.stdout.write(`${JSON.stringify({ bench: file, error: `exited with ${result.status}` })}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
