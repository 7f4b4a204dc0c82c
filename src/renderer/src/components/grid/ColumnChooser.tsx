import { PopupMenu } from '../PopupMenu';

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
  return (
    <PopupMenu
      at={at}
      label={label}
      entries={columns.length}
      entrySelector='[role="menuitemcheckbox"]'
      onClose={onClose}
      testId="column-chooser"
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
    </PopupMenu>
  );
}
