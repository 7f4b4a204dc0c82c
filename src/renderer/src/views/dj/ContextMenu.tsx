import { PopupMenu } from '../../components/PopupMenu';

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
  return (
    <PopupMenu
      at={{ x, y }}
      label={label}
      entries={items.length}
      entrySelector='[role="menuitem"]'
      focusSelector='[role="menuitem"]:not([aria-disabled="true"])'
      onClose={onClose}
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
    </PopupMenu>
  );
}
