import { useCall } from './queries';

/**
 * Media paths (`cover/local/12`, `track/local/12`) become URLs the way the
 * host says (`app.info.mediaUrlTemplate`): Electron's `resonate-media:`
 * protocol or the web host's `/media/…?token=…`. Null until the host answered.
 */
export function useMediaUrl(): ((mediaPath: string) => string) | null {
  const info = useCall('app.info', {});
  const template = info.data?.mediaUrlTemplate;
  return template ? (mediaPath: string) => template.replace('{path}', mediaPath) : null;
}
