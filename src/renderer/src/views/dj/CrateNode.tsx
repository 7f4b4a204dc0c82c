import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DjList, ListKind } from '../../../../shared/contract/dj';
import { useNavigation } from '../../store/navigation';
import { LIST_TYPE } from './dnd';
import { childrenOf, type CrateDrop } from './useCrateTree';

const KIND_ICON: Record<ListKind, string> = { folder: '◫', crate: '■', playlist: '≡', smart: '✦' };

export interface CrateTree {
  all: DjList[];
  collapsed: Set<number>;
  toggleFolder(id: number): void;
  drop: CrateDrop;
}

/** One list in the tree, with its children when it is an open folder. */
export function CrateNode({ list, tree }: { list: DjList; tree: CrateTree }) {
  const kids = childrenOf(tree.all, list.id);
  const isFolder = list.kind === 'folder';
  const open = isFolder && !tree.collapsed.has(list.id);
  return (
    <li className={isFolder ? 'crate-folder' : undefined}>
      {isFolder && <FolderToggle list={list} open={open} onToggle={() => tree.toggleFolder(list.id)} />}
      <CrateButton list={list} drop={tree.drop}>
        {isFolder && !open && kids.length > 0 && <FolderCount count={kids.length} />}
        {list.kind !== 'folder' && <ItemCount count={list.itemCount} />}
      </CrateButton>
      {open && kids.length > 0 && (
        <ul className="crate-children">
          {kids.map((kid) => (
            <CrateNode key={kid.id} list={kid} tree={tree} />
          ))}
        </ul>
      )}
    </li>
  );
}

function FolderToggle({ list, open, onToggle }: { list: DjList; open: boolean; onToggle(): void }) {
  const { t } = useTranslation();
  const label = t(open ? 'dj.collapseFolder' : 'dj.expandFolder', { name: list.name });
  return (
    <button
      type="button"
      className="crate-toggle"
      aria-expanded={open}
      aria-label={label}
      title={label}
      onClick={onToggle}
    >
      <span aria-hidden="true">{open ? '▾' : '▸'}</span>
    </button>
  );
}

/** The list's name, opening it on click; dragged to move it, a drop target for tracks or lists. */
function CrateButton({ list, drop, children }: { list: DjList; drop: CrateDrop; children: ReactNode }) {
  const { t } = useTranslation();
  const { view, detail, go } = useNavigation();
  return (
    <button
      type="button"
      className={`sidebar-item crate-item${drop.dropTarget === list.id ? ' drop-target' : ''}`}
      aria-current={view === 'dj' && detail === String(list.id) ? 'page' : undefined}
      onClick={() => go('dj', String(list.id))}
      draggable
      onDragStart={(e) => {
        e.dataTransfer.setData(LIST_TYPE, String(list.id));
        e.dataTransfer.effectAllowed = 'move';
      }}
      onDragOver={(e) => drop.onDragOver(e, list)}
      onDragLeave={drop.clearDropTarget}
      onDrop={(e) => drop.onDrop(e, list)}
      data-list-id={list.id}
    >
      <span className="crate-name">
        <span aria-hidden="true" className="crate-icon">
          {KIND_ICON[list.kind]}
        </span>
        <span className="visually-hidden">{t(`dj.kinds.${list.kind}`)}: </span>
        {list.name}
      </span>
      {children}
    </button>
  );
}

function FolderCount({ count }: { count: number }) {
  const { t } = useTranslation();
  return (
    <span className="crate-count">
      <span className="visually-hidden">, </span>
      {t('dj.folderHolds', { count })}
    </span>
  );
}

function ItemCount({ count }: { count: number }) {
  const { t } = useTranslation();
  return (
    <span className="crate-count">
      <span className="visually-hidden">, </span>
      {t('dj.itemCount', { count })}
    </span>
  );
}
