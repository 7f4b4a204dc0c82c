import { useCall } from './queries';
import { api } from './client';

/**
 * Media paths (`track/local/12`, `cover/local/12`) become URLs through the
 * template the host gives in `app.info`; the renderer never builds file paths.
 */
export function mediaUrlFrom(template: string, mediaPath: string): string {
  return template.replace('{path}', mediaPath);
}

/** The URL of a media path in this host, once `app.info` has answered. */
export function useMediaUrl(mediaPath: string | null | undefined): string | undefined {
  const info = useCall('app.info', {}, { staleTime: Infinity });
  if (!mediaPath || !info.data) return undefined;
  return mediaUrlFrom(info.data.mediaUrlTemplate, mediaPath);
}

let templatePromise: Promise<string> | null = null;

/** The same outside React (the player engine). */
export async function mediaUrl(mediaPath: string): Promise<string> {
  templatePromise ??= api.call('app.info', {}).then((info) => info.mediaUrlTemplate);
  try {
    return mediaUrlFrom(await templatePromise, mediaPath);
  } catch (error) {
    templatePromise = null;
    throw error;
  }
}
