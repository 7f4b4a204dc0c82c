import { menuPosition, usePopupMenu } from '../../hooks/usePopupMenu';

/** The columns to show, as checkboxes in a small menu at the pointer; Escape or a click away closes it. */
export function ColumnChooser({
  at,
  label,
  columns,
  onClose,
}: {
  at: { x: number; y: number };
  label: string;
  columns: { id: string; label: string; shown: boolean; toggle(): void }[];
  onClose(): void;
}) {
  const { ref, onKeyDown } = usePopupMenu({ entrySelector: '[role="menuitemcheckbox"]', onClose });
  return (
    <div
      ref={ref}
      role="menu"
      aria-label={label}
      className="context-menu"
      style={menuPosition(at, columns.length, window)}
      onKeyDown={onKeyDown}
      tabIndex={-1}
      data-testid="column-chooser"
    >
      {columns.map((c) => (
        <button
          key={c.id}
          type="button"
          role="menuitemcheckbox"
          aria-checked={c.shown}
          tabIndex={-1}
          onClick={c.toggle}
        >
          <span aria-hidden="true">{c.shown ? '✓ ' : '\u2003'}</span>
          {c.label}
        </button>
      ))}
    </div>
  );
}
