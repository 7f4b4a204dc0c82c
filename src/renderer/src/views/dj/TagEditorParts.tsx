import { useTranslation } from 'react-i18next';
import { TAG_FIELDS, type TagDiffRows, type TagMessage, type TagValues } from './useTagEditor';

/** One labelled input per tag. */
export function TagFields({
  values,
  onChange,
}: {
  values: TagValues;
  onChange(field: keyof TagValues, value: string): void;
}) {
  const { t } = useTranslation();
  return TAG_FIELDS.map((field) => (
    <label key={field} className="field">
      <span>{t(`tracks.columns.${field}`)}</span>
      <input
        value={values[field]}
        inputMode={field === 'bpm' ? 'decimal' : undefined}
        onChange={(e) => onChange(field, e.target.value)}
      />
    </label>
  ));
}

/** The changes the preview found, old value struck through, new value inserted. */
export function TagDiff({ diff }: { diff: TagDiffRows }) {
  const { t } = useTranslation();
  if (diff.length === 0) return <p role="status">{t('dj.tags.noChange')}</p>;
  return (
    <table className="simple-table" aria-label={t('dj.tags.diffLabel')} data-testid="tag-diff">
      <thead>
        <tr>
          <th scope="col">{t('dj.tags.field')}</th>
          <th scope="col">{t('dj.tags.from')}</th>
          <th scope="col">{t('dj.tags.to')}</th>
        </tr>
      </thead>
      <tbody>
        {diff.map((c) => (
          <tr key={c.field}>
            <th scope="row">{t(`tracks.columns.${c.field}`)}</th>
            <td>
              <del>{c.from ?? t('dj.tags.empty')}</del>
            </td>
            <td>
              <ins>{c.to ?? t('dj.tags.empty')}</ins>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TagEditorMessage({ message }: { message: TagMessage }) {
  return (
    <p
      role={message.kind === 'error' ? 'alert' : 'status'}
      className={message.kind === 'error' ? 'status-error' : 'status-ok'}
    >
      {message.text}
    </p>
  );
}
