import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Header } from './components/AppHeader';
import { useLibraryEvents } from './components/LibraryStatus';
import { NowPlayingBar } from './components/NowPlaying';
import { PreviewPrompt } from './components/PreviewPrompt';
import { QueuePanel } from './components/QueuePanel';
import { ShortcutsDialog } from './components/ShortcutsDialog';
import { Sidebar } from './components/Sidebar';
import { useTheme } from './components/useTheme';
import { usePlayerCommands } from './player/commands';
import { installShortcuts } from './player/shortcuts';
import { usePlayer } from './player/store';
import { useNavigation } from './store/navigation';
import { AlbumsView } from './views/AlbumsView';
import { ArtistsView } from './views/ArtistsView';
import { DjView } from './views/dj/DjView';
import { ReleasePreviewView } from './views/artist/ReleasePreviewView';
import { EarningsView } from './views/artist/EarningsView';
import { LibraryView } from './views/LibraryView';
import { ProblemsView } from './views/ProblemsView';
import { SettingsView } from './views/SettingsView';
import { CollectionView, HistoryView } from './views/Stream2OwnViews';
import { AccountView } from './views/account/AccountView';
import { CoopCatalogView } from './views/coop/CoopCatalogView';
import { CoopNodeView } from './views/coop-node/CoopNodeView';
import { WalletView } from './views/wallet/WalletView';
import { CorrectionsNotice } from './components/CorrectionsNotice';
import { LogWarning } from './components/LogWarning';

function CurrentView() {
  const { view, detail } = useNavigation();
  switch (view) {
    case 'library':
      return <LibraryView />;
    case 'albums':
      return <AlbumsView key={detail ?? ''} />;
    case 'artists':
      return <ArtistsView key={detail ?? ''} />;
    case 'problems':
      return <ProblemsView />;
    case 'coop':
      return <CoopCatalogView />;
    case 'collection':
      return <CollectionView />;
    case 'history':
      return <HistoryView />;
    case 'wallet':
      return <WalletView />;
    case 'account':
      return <AccountView />;
    case 'settings':
      return <SettingsView />;
    case 'dj':
      return <DjView />;
    case 'release':
      return <ReleasePreviewView />;
    case 'earnings':
      return <EarningsView />;
    case 'coopNode':
      return <CoopNodeView />;
  }
}

/** The window: sidebar, header with search and wallet, the current view, the queue, the now-playing bar. */
export function App() {
  const { t } = useTranslation();
  useTheme();
  useLibraryEvents();
  usePlayerCommands();
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
      ),
    [],
  );
  return (
    <div className={queueOpen ? 'app-shell with-queue' : 'app-shell'}>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <Sidebar />
      <Header searchRef={searchRef} />
      <main className="app-main" id="main" tabIndex={-1}>
        <LogWarning />
        <CorrectionsNotice />
        <CurrentView />
      </main>
      {queueOpen && <QueuePanel />}
      <NowPlayingBar />
      <PreviewPrompt />
      {shortcutsOpen && <ShortcutsDialog onClose={() => setShortcutsOpen(false)} />}
    </div>
  );
}
