import { Outlet, useRouter } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Header } from './components/AppHeader';
import { NowPlayingBar } from './components/NowPlaying';
import { PreviewPrompt } from './components/PreviewPrompt';
import { QueuePanel } from './components/QueuePanel';
import { ShortcutsDialog } from './components/ShortcutsDialog';
import { Sidebar } from './components/Sidebar';
import { useTheme } from './components/useTheme';
import { usePlayerCommands } from './player/commands';
import { useLiveEvents } from './api/live-events';
import { installShortcuts } from './player/shortcuts';
import { usePlayer } from './player/store';
import { CorrectionsNotice } from './components/CorrectionsNotice';
import { LogWarning } from './components/LogWarning';

/** The window (the router's root): sidebar, header with search and wallet, the current view, the queue, the now-playing bar. */
export function App() {
  const { t } = useTranslation();
  useTheme();
  useLiveEvents();
  usePlayerCommands();
  const router = useRouter();
  const searchRef = useRef<HTMLInputElement>(null);
  const queueOpen = usePlayer((s) => s.queueOpen);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  useEffect(
    () =>
      installShortcuts(
        () => {
          searchRef.current?.focus();
          searchRef.current?.select();
        },
        () => setShortcutsOpen(true),
        router.history,
      ),
    [router],
  );
  return (
    <div className={queueOpen ? 'app-shell with-queue' : 'app-shell'}>
      {/* The address after `#` is the router's: the skip link moves focus itself. */}
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {t('app.skipToContent')}
      </a>
      <Sidebar />
      <Header searchRef={searchRef} />
      <main className="app-main" id="main" tabIndex={-1}>
        <LogWarning />
        <CorrectionsNotice />
        <Outlet />
      </main>
      {queueOpen && <QueuePanel />}
      <NowPlayingBar />
      <PreviewPrompt />
      {shortcutsOpen && <ShortcutsDialog onClose={() => setShortcutsOpen(false)} />}
    </div>
  );
}
