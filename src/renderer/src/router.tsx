import {
  Navigate,
  createHashHistory,
  createRootRoute,
  createRoute,
  createRouter,
  type RouteComponent,
} from '@tanstack/react-router';
import { App } from './App';
import { useNavigation } from './store/navigation';
import { AlbumsView } from './views/AlbumsView';
import { ArtistsView } from './views/ArtistsView';
import { LibraryView } from './views/LibraryView';
import { ProblemsView } from './views/ProblemsView';
import { SettingsView } from './views/SettingsView';
import { CollectionView, HistoryView } from './views/Stream2OwnViews';
import { AccountView } from './views/account/AccountView';
import { EarningsView } from './views/artist/EarningsView';
import { ReleasePreviewView } from './views/artist/ReleasePreviewView';
import { CoopCatalogView } from './views/coop/CoopCatalogView';
import { CoopNodeView } from './views/coop-node/CoopNodeView';
import { DjView } from './views/dj/DjView';
import { WalletView } from './views/wallet/WalletView';

/** An unknown address (an old bookmark, a typo) opens the library. */
function ToLibrary() {
  return <Navigate to="/" replace />;
}

const rootRoute = createRootRoute({ component: App, notFoundComponent: ToLibrary });

/** A view that starts afresh for each detail (another album is another page, scrolled to the top). */
function keyedByDetail(View: RouteComponent): RouteComponent {
  return function Keyed() {
    const detail = useNavigation((s) => s.detail);
    return <View key={detail ?? ''} />;
  };
}
const Albums = keyedByDetail(AlbumsView);
const Artists = keyedByDetail(ArtistsView);

// One route per view (store/navigation.ts VIEW_PATHS has the same addresses, for `useNavigation`).
const routeTree = rootRoute.addChildren([
  createRoute({ getParentRoute: () => rootRoute, path: '/', component: LibraryView }),
  createRoute({ getParentRoute: () => rootRoute, path: 'albums', component: Albums }),
  createRoute({ getParentRoute: () => rootRoute, path: 'albums/$albumId', component: Albums }),
  createRoute({ getParentRoute: () => rootRoute, path: 'artists', component: Artists }),
  createRoute({ getParentRoute: () => rootRoute, path: 'artists/$artistId', component: Artists }),
  createRoute({ getParentRoute: () => rootRoute, path: 'problems', component: ProblemsView }),
  createRoute({ getParentRoute: () => rootRoute, path: 'coop', component: CoopCatalogView }),
  createRoute({ getParentRoute: () => rootRoute, path: 'collection', component: CollectionView }),
  createRoute({ getParentRoute: () => rootRoute, path: 'history', component: HistoryView }),
  createRoute({ getParentRoute: () => rootRoute, path: 'wallet', component: WalletView }),
  createRoute({ getParentRoute: () => rootRoute, path: 'wallet/$section', component: WalletView }),
  createRoute({ getParentRoute: () => rootRoute, path: 'account', component: AccountView }),
  createRoute({ getParentRoute: () => rootRoute, path: 'settings', component: SettingsView }),
  createRoute({ getParentRoute: () => rootRoute, path: 'dj', component: DjView }),
  createRoute({ getParentRoute: () => rootRoute, path: 'dj/$listId', component: DjView }),
  createRoute({ getParentRoute: () => rootRoute, path: 'release', component: ReleasePreviewView }),
  createRoute({ getParentRoute: () => rootRoute, path: 'earnings', component: EarningsView }),
  createRoute({ getParentRoute: () => rootRoute, path: 'coop-node', component: CoopNodeView }),
]);

/**
 * The renderer's router. Hash history: the Electron app loads index.html from
 * file:// and the web host serves one index.html, so the address lives after
 * the `#` (`#/albums/12`) and Back/Forward are the window's own history.
 */
export const router = createRouter({ routeTree, history: createHashHistory() });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
