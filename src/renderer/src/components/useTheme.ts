import { useEffect, useState } from 'react';
import { useCall, useEvent } from '../api/queries';
import type { Settings } from '../../../shared/settings';
import { useQueryClient } from '@tanstack/react-query';

/** Applies the theme setting (following the OS when set to `system`) to the document. */
export function useTheme(): void {
  const settings = useCall('settings.get', {});
  const client = useQueryClient();
  useEvent('settings.changed', (next: Settings) => client.setQueryData(['settings.get', {}], next));
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
