import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { parseQuery, QUERY_FIELDS, type QuerySyntaxError } from '../../../../shared/query';

/** Parses as the user types (pure, on the UI thread it is a few microseconds); null when valid. */
export function queryError(text: string): QuerySyntaxError | null {
  const result = parseQuery(text);
  return result.ok ? null : result.error;
}

/**
 * The query-language box: a syntax error is shown under the text with the
 * offending part marked at its position, and announced to screen readers.
 */
export function QueryBox({
  value,
  onChange,
  label,
}: {
  value: string;
  onChange(text: string): void;
  label: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const error = value.trim() ? queryError(value) : null;
  const end = error ? Math.min(value.length, error.position + Math.max(1, error.length)) : 0;
  return (
    <div className="dj-query">
      <label htmlFor={`${id}-input`} className="dj-query-label">
        {label}
      </label>
      <input
        id={`${id}-input`}
        type="search"
        className={error ? 'dj-query-input invalid' : 'dj-query-input'}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : `${id}-help`}
        placeholder={t('dj.queryPlaceholder')}
        spellCheck={false}
        autoComplete="off"
        data-testid="dj-query"
      />
      {error ? (
        <div
          id={`${id}-error`}
          className="dj-query-error"
          role="alert"
          data-testid="dj-query-error"
          data-position={error.position}
        >
          <span className="dj-query-echo mono" aria-hidden="true">
            {value.slice(0, error.position)}
            <mark className="dj-query-mark">{value.slice(error.position, end) || ' '}</mark>
            {value.slice(end)}
          </span>
          <span>{t('dj.syntaxError', { column: error.position + 1, message: error.message })}</span>
        </div>
      ) : (
        <small id={`${id}-help`} className="muted">
          {t('dj.queryHelp', { fields: QUERY_FIELDS.join(', ') })}
        </small>
      )}
    </div>
  );
}
