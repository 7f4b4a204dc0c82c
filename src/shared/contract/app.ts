import { z } from 'zod';
import { call, event } from './define';
import { settingsPatchSchema, settingsSchema } from '../settings';

/** The app domain: who is hosting us, and the user's settings. */
export const appCalls = {
  'app.info': call(
    'Describes the running app and the host the renderer is in.',
    z.object({}).strict(),
    z.object({
      name: z.string(),
      version: z.string(),
      host: z.enum(['electron', 'web']),
      platform: z.string(),
      dataDir: z.string(),
      /** How to turn a media path (`cover/local/12`) into a URL in this host: replace `{path}`. */
      mediaUrlTemplate: z.string(),
    }),
  ),
  'dialog.pickFolder': call(
    'Opens the OS folder picker. The web host has none and answers null; its UI asks for a path instead.',
    z.object({ title: z.string().max(200).optional() }).strict(),
    z.string().nullable(),
  ),
  'settings.get': call('Reads all settings.', z.object({}).strict(), settingsSchema),
  'settings.update': call(
    'Changes some settings and answers with all of them.',
    settingsPatchSchema,
    settingsSchema,
  ),
};

/** Playback commands from outside the page: the app menu, the tray, a second instance. */
export const playerCommandSchema = z.enum(['togglePlay', 'next', 'previous', 'stop']);
export type PlayerCommand = z.infer<typeof playerCommandSchema>;

export const appEvents = {
  'app.command': event(
    'The user chose a playback command outside the page (menu, tray).',
    z.object({ command: playerCommandSchema }),
  ),
  'settings.changed': event('Settings changed (from any window or host).', settingsSchema),
};
