import type { RefObject } from 'react';
import { SearchBox, WalletBadge } from './Header';

export function Header({ searchRef }: { searchRef: RefObject<HTMLInputElement | null> }) {
  return (
    <header className="app-header">
      <SearchBox ref={searchRef} />
      <div className="header-right">
        <WalletBadge />
      </div>
    </header>
  );
}
