import { useTranslation } from 'react-i18next';

/** Which of the account's artist profiles the view is about (state in `useArtistPicker`). */
export function ArtistPicker({
  artists,
  artistId,
  onChange,
  testId,
}: {
  artists: { id: string; name: string }[];
  artistId: string;
  onChange(id: string): void;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <label className="inline-field">
      <span>{t('artist.profile')}</span>
      <select value={artistId} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {artists.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
    </label>
  );
}
