import { resolve } from 'node:path';
import { systemClock } from '../../main/services/core/clock';
import { EventHub } from '../../main/services/core/events';
import { createLogger } from '../../main/services/core/logger';
import { migrate, openDatabase } from '../../main/services/db/database';
import { allMigrations } from '../../main/services/db/migrations';
import { createDjDomain, type DjDomain } from '../../main/services/dj';
import { djSortSchema } from '../../shared/contract/dj';
import { parseQuery } from '../../shared/query';
import { parseCommandArgs, printJson, type CliCommand } from '../command';

/** The DJ features from the command line, on the app's own data folder and services. */
async function withDj<T>(
  dataDir: string | undefined,
  work: (dj: DjDomain, events: EventHub) => Promise<T>,
): Promise<T> {
  if (!dataDir) throw new Error('--data <dir> is required: the folder holding the library database');
  const db = openDatabase(resolve(dataDir, 'library.sqlite'));
  migrate(db, allMigrations);
  const events = new EventHub();
  const dj = createDjDomain({
    db,
    events,
    clock: systemClock,
    logger: createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'cli' }),
    dataDir: resolve(dataDir),
  });
  try {
    return await work(dj, events);
  } finally {
    await dj.close();
    db.close();
  }
}

export const queryCommand: CliCommand = {
  name: 'query',
  summary:
    'query --data <dir> "<query>" [--sort bpm] [--desc] [--limit 200] [--json]: tracks matching a DJ query',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      data: { type: 'string' },
      json: { type: 'boolean' },
      sort: { type: 'string', default: 'artist' },
      desc: { type: 'boolean' },
      limit: { type: 'string', default: '200' },
      offset: { type: 'string', default: '0' },
    });
    const query = positionals.join(' ');
    const parsed = parseQuery(query);
    if (!parsed.ok) {
      const { message, position, length } = parsed.error;
      if (values.json) printJson({ error: parsed.error });
      else process.stderr.write(`${query}\n${' '.repeat(position)}${'^'.repeat(length)}\n${message}\n`);
      return 2;
    }
    const sort = djSortSchema.parse(values.sort);
    const page = await withDj(values.data, async (dj) =>
      dj.queries.run({
        query,
        sort,
        direction: values.desc ? 'desc' : 'asc',
        offset: Number(values.offset),
        limit: Math.min(1000, Number(values.limit)),
        status: 'ok',
      }),
    );
    if (values.json) printJson(page);
    else {
      for (const t of page.rows)
        process.stdout.write(
          `${t.bpm?.toFixed(1) ?? '-'}\t${t.camelotKey ?? '-'}\t${t.source}\t${t.artist} – ${t.title}\n`,
        );
      process.stdout.write(`${page.rows.length} of ${page.total}\n`);
    }
    return 0;
  },
};

export const exportCrateCommand: CliCommand = {
  name: 'export-crate',
  summary:
    'export-crate --data <dir> --crate <name> --to <folder> [--names "{bpm} {key} - {artist} - {title}"] [--json]: copy a crate with its M3U8 and Rekordbox XML',
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      data: { type: 'string' },
      crate: { type: 'string' },
      to: { type: 'string' },
      names: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!values.crate || !values.to)
      throw new Error(
        'Usage: export-crate --data <dir> --crate <name> --to <folder> [--names <pattern>] [--json]',
      );
    const status = await withDj(values.data, async (dj, events) => {
      const list = dj.lists.findByName(values.crate!);
      if (!list) throw new Error(`No crate or playlist named "${values.crate}"`);
      if (!values.json) {
        events.subscribe((name, payload) => {
          if (name !== 'dj.exportProgress') return;
          const p = payload as {
            state: string;
            filesDone: number;
            filesTotal: number;
            bytesDone: number;
            bytesTotal: number;
          };
          process.stderr.write(
            `\r${p.state} ${p.filesDone}/${p.filesTotal} files, ${(p.bytesDone / 1e6).toFixed(1)}/${(p.bytesTotal / 1e6).toFixed(1)} MB   `,
          );
        });
      }
      const started = await dj.handlers['dj.export']({
        listId: list.id,
        destination: resolve(values.to!),
        fileNamePattern: values.names,
      });
      return dj.waitForExport(started.jobId);
    });
    if (values.json) printJson(status);
    else
      process.stderr.write(
        `\n${status.state}${status.error ? `: ${status.error}` : ''} → ${status.folder}\n`,
      );
    return status.state === 'done' ? 0 : 1;
  },
};
