/** Every user-facing string, English first. Other languages copy this shape. */
export const en = {
  app: { name: 'Resonate' },
  nav: {
    main: 'Main',
    library: 'Library',
    albums: 'Albums',
    artists: 'Artists',
    collection: 'Collection',
    history: 'History',
    wallet: 'Wallet',
    problems: 'Problems',
    settings: 'Settings',
  },
  settings: {
    title: 'Settings',
    appearance: 'Appearance',
    theme: 'Theme',
    themeSystem: 'Follow the system',
    themeLight: 'Light',
    themeDark: 'Dark',
    sync: 'Co-op server',
    syncServerUrl: 'Sync server address',
    syncServerUrlHelp: 'Leave empty to use the server bundled with the app.',
    save: 'Save',
    saved: 'Saved',
    invalid: 'Not saved: {{reason}}',
    about: 'About',
    version: 'Version {{version}}',
    host: 'Running in: {{host}}',
    dataDir: 'Data folder: {{dataDir}}',
    hostElectron: 'the desktop app',
    hostWeb: 'the web host',
  },
  errors: {
    unavailable: 'The app’s background service is not reachable. Is the web host running?',
    generic: 'Something went wrong: {{message}}',
  },
} as const;

export type Strings = typeof en;
