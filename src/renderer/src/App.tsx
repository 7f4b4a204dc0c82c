import { useTheme } from './components/useTheme';
import { Sidebar } from './components/Sidebar';
import { useNavigation } from './store/navigation';
import { SettingsView } from './views/SettingsView';

/** The window: sidebar, the current view, and (later) the now-playing bar. */
export function App() {
  useTheme();
  const view = useNavigation((s) => s.view);
  return (
    <div className="app-shell">
      <Sidebar />
      <main className="app-main" id="main" tabIndex={-1}>
        {view === 'settings' ? <SettingsView /> : <SettingsView />}
      </main>
    </div>
  );
}
