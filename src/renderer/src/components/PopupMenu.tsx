import type { ReactNode } from 'react';
import { menuPosition, usePopupMenu } from '../hooks/usePopupMenu';

/**
 * A small menu at the pointer (`role="menu"`), its entries the children: behaves as
 * `usePopupMenu` says (focus, click away, Escape/Tab, arrows, focus back).
 */
export function PopupMenu(props: {
  at: { x: number; y: number };
  label: string;
  /** How many entries: the menu moves in from the window's edges by its height. */
  entries: number;
  entrySelector: string;
  focusSelector?: string;
  onClose(): void;
  testId?: string;
  children: ReactNode;
}) {
  const { ref, onKeyDown } = usePopupMenu(props);
  return (
    <div
      ref={ref}
      role="menu"
      aria-label={props.label}
      className="context-menu"
      style={menuPosition(props.at, props.entries, window)}
      onKeyDown={onKeyDown}
      tabIndex={-1}
      data-testid={props.testId}
    >
      {props.children}
    </div>
  );
}
