import { z } from 'zod';

/**
 * The user's settings: one schema for the Electron store and the web host's
 * file, with defaults, so a missing or damaged value falls back instead of
 * breaking start-up. Bump SETTINGS_VERSION and add a step to
 * `settingsMigrations` whenever a stored shape changes.
 */
export const SETTINGS_VERSION = 2;

export const themeSchema = z.enum(['system', 'light', 'dark']);
export const replayGainModeSchema = z.enum(['track', 'album', 'off']);
export const keyNotationSchema = z.enum(['camelot', 'musical']);

export const windowBoundsSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(16384),
  height: z.number().int().min(300).max(16384),
  maximized: z.boolean(),
});

export const settingsSchema = z.object({
  windowBounds: windowBoundsSchema.default({ width: 1280, height: 800, maximized: false }),
  volume: z.number().min(0).max(1).default(0.8),
  muted: z.boolean().default(false),
  libraryFolders: z.array(z.string().min(1).max(4096)).max(200).default([]),
  /** Empty: use the bundled server on loopback. */
  syncServerUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).default(''),
  theme: themeSchema.default('system'),
  replayGain: replayGainModeSchema.default('track'),
  /** Preload the next track and start it the moment the current one ends. */
  gapless: z.boolean().default(true),
  /** Fade the end of a track into the next one over this many seconds; 0: no crossfade. */
  crossfadeSeconds: z.number().min(0).max(10).default(0),
  keyNotation: keyNotationSchema.default('camelot'),
  language: z.string().min(2).max(16).default('en'),
});
export type Settings = z.infer<typeof settingsSchema>;

/**
 * What a caller may change: any top-level setting, each validated by its own
 * schema. The defaults are stripped, so a field left out stays as it is
 * instead of being reset (zod fills defaults even in a `.partial()`).
 */
const settingsShape = settingsSchema.shape;
type SettingsKey = keyof typeof settingsShape;
export const settingsPatchSchema = z
  .object(
    Object.fromEntries(
      (Object.keys(settingsShape) as SettingsKey[]).map((key) => [
        key,
        settingsShape[key].unwrap().optional(),
      ]),
    ) as { [K in SettingsKey]: z.ZodOptional<ReturnType<(typeof settingsShape)[K]['unwrap']>> },
  )
  .strict();

export const defaultSettings: Settings = settingsSchema.parse({});

type RawSettings = Record<string, unknown>;

/** Ordered steps from each stored version to the next. */
export const settingsMigrations: Record<number, (raw: RawSettings) => RawSettings> = {
  // v1 kept the volume as a percentage and called the server URL `serverUrl`.
  1: (raw) => {
    const next: RawSettings = { ...raw };
    if (typeof raw.volume === 'number' && raw.volume > 1) next.volume = raw.volume / 100;
    if (typeof raw.serverUrl === 'string' && next.syncServerUrl === undefined) {
      next.syncServerUrl = raw.serverUrl;
    }
    delete next.serverUrl;
    return next;
  },
};

/**
 * Brings stored settings of any older version up to date, then repairs them
 * field by field: a value that fails its schema is replaced by its default
 * rather than discarding the whole file.
 */
export function upgradeSettings(raw: unknown, storedVersion: number): Settings {
  let current: RawSettings = raw && typeof raw === 'object' ? { ...(raw as RawSettings) } : {};
  for (let v = Math.max(1, storedVersion); v < SETTINGS_VERSION; v++) {
    const step = settingsMigrations[v];
    if (step) current = step(current);
  }
  const repaired: RawSettings = {};
  const shape = settingsSchema.shape;
  for (const key of Object.keys(shape) as (keyof Settings)[]) {
    const parsed = shape[key].safeParse(current[key]);
    repaired[key] = parsed.success ? parsed.data : shape[key].parse(undefined);
  }
  return settingsSchema.parse(repaired);
}
