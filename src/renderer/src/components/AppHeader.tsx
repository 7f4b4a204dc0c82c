import type { RefObject } from 'react';
import { SearchBox, WalletBadge } from './Header';
import { AccountChip, SyncStatusBar } from './SyncStatus';

export function Header({ searchRef }: { searchRef: RefObject<HTMLInputElement | null> }) {
  return (
    <header className="app-header">
      <SearchBox ref={searchRef} />
      <div className="header-right">
        <SyncStatusBar />
        <WalletBadge />
        <AccountChip />
      </div>
    </header>
  );
}
