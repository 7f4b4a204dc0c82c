#!/usr/bin/env node
import { commands } from './commands';

/**
 * `npm run --silent cli -- <command> [options]`. Each command lives in
 * `src/cli/commands/` and prints JSON with `--json`, so scripts and tests
 * can read it.
 */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const list = commands.map((c) => `  ${c.name.padEnd(16)} ${c.summary}`).join('\n');
    process.stderr.write(
      `${name ? `Unknown command: ${name}\n` : ''}Usage: cli <command> [options]\n\n${list}\n`,
    );
    return name ? 2 : 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
