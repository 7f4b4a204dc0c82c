import { useState } from 'react';
import { useMediaUrl } from '../api/media';

/** Artwork from a cover media path; a neutral tile when there is none. */
export function Cover({
  path,
  alt,
  size,
  className = '',
}: {
  path: string | null | undefined;
  alt: string;
  size: number;
  className?: string;
}) {
  const url = useMediaUrl(path);
  const [failed, setFailed] = useState<string | null>(null);
  const style = { width: size, height: size };
  if (!url || failed === url) {
    return (
      <div
        className={`cover cover-empty ${className}`}
        style={style}
        {...(alt ? { role: 'img', 'aria-label': alt } : { 'aria-hidden': true })}
      >
        <svg viewBox="0 0 24 24" width={size * 0.4} height={size * 0.4} aria-hidden="true">
          <path fill="currentColor" d="M12 3v10.55A4 4 0 1 0 14 17V7h4V3h-6z" />
        </svg>
      </div>
    );
  }
  return (
    <img
      className={`cover ${className}`}
      style={style}
      src={url}
      alt={alt}
      loading="lazy"
      decoding="async"
      onError={() => setFailed(url)}
    />
  );
}
