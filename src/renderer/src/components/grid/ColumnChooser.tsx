import { useEffect, useRef, type KeyboardEvent } from 'react';

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
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>('[role="menuitemcheckbox"]')?.focus();
    const away = (e: globalThis.MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', away);
    return () => {
      document.removeEventListener('mousedown', away);
      previous?.focus?.();
    };
  }, [onClose]);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const entries = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitemcheckbox"]') ?? [])];
    const index = entries.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      onClose();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      entries[(index + (event.key === 'ArrowDown' ? 1 : -1) + entries.length) % entries.length]?.focus();
    }
  };
  return (
    <div
      ref={ref}
      role="menu"
      aria-label={label}
      className="context-menu"
      style={{
        left: Math.min(at.x, window.innerWidth - 240),
        top: Math.min(at.y, window.innerHeight - 40 - columns.length * 30),
      }}
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
