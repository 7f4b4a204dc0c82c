import { useEffect, useRef, type KeyboardEvent } from 'react';
import { menuKeyAction } from './popup-menu';

export { menuPosition } from './popup-menu';

/**
 * A popup menu's behaviour: on open the first entry (matching `entrySelector`, an enabled one for
 * `focusSelector`) takes the focus; a mouse press outside the menu, Escape or Tab closes it; the
 * arrows move between entries; on close the focus goes back to where it was. Give `ref` and
 * `onKeyDown` to the menu's element.
 */
export function usePopupMenu(options: { entrySelector: string; focusSelector?: string; onClose(): void }) {
  const { entrySelector, focusSelector = entrySelector, onClose } = options;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>(focusSelector)?.focus();
    const away = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', away);
    return () => {
      document.removeEventListener('mousedown', away);
      previous?.focus?.();
    };
  }, [focusSelector, onClose]);
  const onKeyDown = (event: KeyboardEvent) => {
    const entries = [...(ref.current?.querySelectorAll<HTMLElement>(entrySelector) ?? [])];
    const action = menuKeyAction(
      event.key,
      entries.indexOf(document.activeElement as HTMLElement),
      entries.length,
    );
    if (!action) return;
    event.preventDefault();
    if (action.kind === 'close') onClose();
    else entries[action.index]?.focus();
  };
  return { ref, onKeyDown };
}
