import Conf from 'conf';
import { resolve } from 'node:path';
import { systemClock } from '../../main/services/core/clock';
import { EventHub } from '../../main/services/core/events';
import { createLogger } from '../../main/services/core/logger';
import { migrate, openDatabase } from '../../main/services/db/database';
import { allMigrations } from '../../main/services/db/migrations';
import { LibraryService } from '../../main/services/library';
import { SettingsService } from '../../main/services/settings/settings-service';
import { parseCommandArgs, printJson, type CliCommand } from '../command';

/**
 * The library from the command line, on the same services as the app and
 * the same files in the data folder (`library.sqlite`, `settings.json`),
 * so a library scanned here opens in the app.
 */
async function withLibrary<T>(dataDir: string, work: (library: LibraryService) => Promise<T>): Promise<T> {
  const db = openDatabase(resolve(dataDir, 'library.sqlite'));
  migrate(db, allMigrations);
  const settings = new SettingsService(
    new Conf<Record<string, unknown>>({
      cwd: resolve(dataDir),
      configName: 'settings',
      projectName: 'resonate',
    }),
  );
  const library = new LibraryService({
    db,
    settings,
    events: new EventHub(),
    clock: systemClock,
    logger: createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'cli' }),
    dataDir: resolve(dataDir),
    watch: false,
    resumeOnStart: false,
    scanNewFolders: false,
  });
  try {
    library.start();
    return await work(library);
  } finally {
    await library.close();
    db.close();
  }
}

function requireData(data: string | undefined): string {
  if (!data) throw new Error('--data <dir> is required: the folder holding the library database');
  return data;
}

export const scanCommand: CliCommand = {
  name: 'scan',
  summary: 'scan <folder> --data <dir> [--json]: add a folder to the library and scan it',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      data: { type: 'string' },
      json: { type: 'boolean' },
    });
    const folderArg = positionals[0];
    if (!folderArg) throw new Error('Usage: scan <folder> --data <dir> [--json]');
    const folder = resolve(folderArg);
    const summary = await withLibrary(requireData(values.data), async (library) => {
      if (!library.queries.folders().some((f) => f.path === folder)) library.addFolder(folder);
      const id = library.queries.folders().find((f) => f.path === folder)!.id;
      return library.scanAndWait([id]);
    });
    const { files, added, updated, missing, failed, ms, moved, skipped, unavailableFolders } = summary;
    if (values.json)
      printJson({ files, added, updated, missing, failed, ms, moved, skipped, unavailableFolders });
    else {
      process.stdout.write(
        `${files} files: ${added} added, ${updated} updated, ${moved} moved, ${missing} missing, ${failed} problems, ${skipped} unchanged (${ms} ms)\n`,
      );
      for (const f of unavailableFolders) process.stdout.write(`folder not reachable, tracks kept: ${f}\n`);
    }
    return 0;
  },
};

export const tracksCommand: CliCommand = {
  name: 'tracks',
  summary: 'tracks --data <dir> [--search <q>] [--json]: list the library tracks',
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      data: { type: 'string' },
      search: { type: 'string' },
      json: { type: 'boolean' },
      all: { type: 'boolean' },
    });
    const rows = await withLibrary(requireData(values.data), async (library) => {
      const out = [];
      for (let offset = 0; ; offset += 1000) {
        const page = library.queries.tracks({
          offset,
          limit: 1000,
          sort: 'artist',
          direction: 'asc',
          status: values.all ? 'all' : 'ok',
          ...(values.search !== undefined ? { search: values.search } : {}),
        });
        out.push(...page.rows);
        if (out.length >= page.total || page.rows.length === 0) break;
      }
      return out;
    });
    if (values.json) printJson(rows);
    else {
      for (const t of rows) {
        process.stdout.write(
          `${t.id}\t${t.artist} – ${t.title}\t${t.album}\t${formatDuration(t.durationMs)}\t${t.format}\n`,
        );
      }
    }
    return 0;
  },
};

export const problemsCommand: CliCommand = {
  name: 'problems',
  summary: 'problems --data <dir> [--json]: files that could not be added, and why',
  async run(argv) {
    const { values } = parseCommandArgs(argv, { data: { type: 'string' }, json: { type: 'boolean' } });
    const rows = await withLibrary(
      requireData(values.data),
      async (library) => library.queries.problems(0, 100_000).rows,
    );
    if (values.json) printJson(rows);
    else for (const p of rows) process.stdout.write(`${p.reason}\t${p.path}\t${p.detail}\n`);
    return 0;
  },
};

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
