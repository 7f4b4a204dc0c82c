import { useEffect, useState } from 'react';
import { useCall } from '../api/queries';

/**
 * Applies the theme setting (following the OS when set to `system`) to the
 * document; `settings.changed` keeps the cached settings current (api/live-events.ts).
 */
export function useTheme(): void {
  const settings = useCall('settings.get', {});
  const [prefersDark, setPrefersDark] = useState(() => matchMedia('(prefers-color-scheme: dark)').matches);
  useEffect(() => {
    const query = matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => setPrefersDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  const theme = settings.data?.theme ?? 'system';
  const dark = theme === 'dark' || (theme === 'system' && prefersDark);
  useEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  }, [dark]);
}
