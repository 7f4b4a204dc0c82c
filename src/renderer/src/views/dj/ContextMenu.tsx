import { menuPosition, usePopupMenu } from '../../hooks/usePopupMenu';

export interface MenuItem {
  label: string;
  onSelect(): void;
  disabled?: boolean;
}

/** A small popup menu at a point; arrows move, Enter picks, Escape closes, focus returns. */
export function ContextMenu({
  x,
  y,
  label,
  items,
  onClose,
}: {
  x: number;
  y: number;
  label: string;
  items: MenuItem[];
  onClose(): void;
}) {
  const { ref, onKeyDown } = usePopupMenu({
    entrySelector: '[role="menuitem"]',
    focusSelector: '[role="menuitem"]:not([aria-disabled="true"])',
    onClose,
  });
  return (
    <div
      ref={ref}
      role="menu"
      aria-label={label}
      className="context-menu"
      style={menuPosition({ x, y }, items.length, window)}
      onKeyDown={onKeyDown}
      tabIndex={-1}
    >
      {items.map((item) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          tabIndex={-1}
          aria-disabled={item.disabled || undefined}
          onClick={() => {
            if (item.disabled) return;
            onClose();
            item.onSelect();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
