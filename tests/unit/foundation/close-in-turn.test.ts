import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { closeInTurn } from '../../../src/main/services/core/close-in-turn';

/** A logger that keeps what it was told. */
function recordingLogger() {
  const lines: { msg: string; step?: string }[] = [];
  const logger = pino(
    { level: 'warn' },
    { write: (line: string) => lines.push(JSON.parse(line) as { msg: string; step?: string }) },
  );
  return { logger, lines };
}

describe('closing the app in turn', () => {
  it('goes on past a part that never finishes, names it, and still closes the parts after it', async () => {
    const { logger, lines } = recordingLogger();
    const ran: string[] = [];
    const troubled = await closeInTurn(
      [
        { name: 'first', run: async () => void ran.push('first') },
        { name: 'stuck download', run: () => new Promise<void>(() => undefined) },
        { name: 'database', run: () => void ran.push('database') },
      ],
      logger,
      50,
    );
    expect(ran).toEqual(['first', 'database']);
    expect(troubled).toEqual(['stuck download']);
    expect(lines).toEqual([expect.objectContaining({ step: 'stuck download' })]);
    expect(lines[0]!.msg).toMatch(/stuck download did not finish/);
  });

  it('goes on past a part that fails, and logs why', async () => {
    const { logger, lines } = recordingLogger();
    const ran: string[] = [];
    const troubled = await closeInTurn(
      [
        {
          name: 'watcher',
          run: () => {
            throw new Error('EBADF');
          },
        },
        { name: 'database', run: () => void ran.push('database') },
      ],
      logger,
    );
    expect(ran).toEqual(['database']);
    expect(troubled).toEqual(['watcher']);
    expect(lines[0]!.msg).toMatch(/watcher failed/);
  });

  it('waits for every part that finishes, in order, and reports nothing', async () => {
    const { logger, lines } = recordingLogger();
    const ran: string[] = [];
    const slow = (name: string) => () =>
      new Promise<void>((resolve) => setTimeout(() => (ran.push(name), resolve()), 5));
    const troubled = await closeInTurn(
      [
        { name: 'a', run: slow('a') },
        { name: 'b', run: slow('b') },
      ],
      logger,
    );
    expect(ran).toEqual(['a', 'b']);
    expect(troubled).toEqual([]);
    expect(lines).toEqual([]);
  });
});
