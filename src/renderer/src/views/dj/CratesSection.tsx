import { useState, type DragEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DjList, ListKind } from '../../../../shared/contract/dj';
import { useCall, useCallMutation } from '../../api/queries';
import { useNavigation } from '../../store/navigation';
import { addToList, isItemList } from './actions';
import { describeError } from '../../lib/describe-error';
import { LIST_TYPE, REFS_TYPE, hasType, readDragRefs } from './dnd';
import './dj.css';

const KIND_ICON: Record<ListKind, string> = { folder: '◫', crate: '■', playlist: '≡', smart: '✦' };

const COLLAPSED_KEY = 'resonate.crates.collapsed';

/** Folders the user closed, kept across restarts (a nicety: unreadable storage opens them all). */
function loadCollapsed(): Set<number> {
  try {
    return new Set(
      (JSON.parse(localStorage.getItem(COLLAPSED_KEY) ?? '[]') as unknown[]).filter(
        (n): n is number => typeof n === 'number',
      ),
    );
  } catch {
    return new Set();
  }
}

function childrenOf(lists: DjList[], parentId: number | null): DjList[] {
  return lists.filter((l) => l.parentId === parentId).sort((a, b) => a.position - b.position);
}

/** The sidebar's "Crates" section: the tree of folders, crates, playlists and smart playlists. */
export function CratesSection() {
  const { t } = useTranslation();
  const { view, detail, go } = useNavigation();
  const lists = useCall('dj.lists', {});
  // A failed move leaves the tree as it was: nothing to say.
  const moveList = useCallMutation('dj.moveList');
  const [creating, setCreating] = useState(false);
  const [dropTarget, setDropTarget] = useState<number | null>(null);
  const [collapsed, setCollapsed] = useState<Set<number>>(loadCollapsed);
  const toggleFolder = (id: number) => {
    const next = new Set(collapsed);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setCollapsed(next);
    try {
      localStorage.setItem(COLLAPSED_KEY, JSON.stringify([...next]));
    } catch {
      // Open or closed folders are a nicety.
    }
  };
  const all = lists.data ?? [];

  const onDragOver = (event: DragEvent, list: DjList) => {
    const accepts =
      (isItemList(list) && hasType(event, REFS_TYPE)) ||
      (list.kind === 'folder' && hasType(event, LIST_TYPE));
    if (!accepts) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = hasType(event, LIST_TYPE) ? 'move' : 'copy';
    setDropTarget(list.id);
  };
  const onDrop = (event: DragEvent, list: DjList) => {
    event.preventDefault();
    setDropTarget(null);
    const refs = readDragRefs(event);
    if (refs && isItemList(list)) return void addToList(list, refs);
    const moved = Number(event.dataTransfer.getData(LIST_TYPE));
    if (moved && list.kind === 'folder' && moved !== list.id) {
      moveList.mutate({ id: moved, parentId: list.id, beforeId: null });
    }
  };

  const node = (list: DjList) => {
    const kids = childrenOf(all, list.id);
    const isFolder = list.kind === 'folder';
    const open = isFolder && !collapsed.has(list.id);
    return (
      <li key={list.id} className={isFolder ? 'crate-folder' : undefined}>
        {isFolder && (
          <button
            type="button"
            className="crate-toggle"
            aria-expanded={open}
            aria-label={t(open ? 'dj.collapseFolder' : 'dj.expandFolder', { name: list.name })}
            title={t(open ? 'dj.collapseFolder' : 'dj.expandFolder', { name: list.name })}
            onClick={() => toggleFolder(list.id)}
          >
            <span aria-hidden="true">{open ? '▾' : '▸'}</span>
          </button>
        )}
        <button
          type="button"
          className={`sidebar-item crate-item${dropTarget === list.id ? ' drop-target' : ''}`}
          aria-current={view === 'dj' && detail === String(list.id) ? 'page' : undefined}
          onClick={() => go('dj', String(list.id))}
          draggable
          onDragStart={(e) => {
            e.dataTransfer.setData(LIST_TYPE, String(list.id));
            e.dataTransfer.effectAllowed = 'move';
          }}
          onDragOver={(e) => onDragOver(e, list)}
          onDragLeave={() => setDropTarget(null)}
          onDrop={(e) => onDrop(e, list)}
          data-list-id={list.id}
        >
          <span className="crate-name">
            <span aria-hidden="true" className="crate-icon">
              {KIND_ICON[list.kind]}
            </span>
            <span className="visually-hidden">{t(`dj.kinds.${list.kind}`)}: </span>
            {list.name}
          </span>
          {isFolder && !open && kids.length > 0 && (
            <span className="crate-count">
              <span className="visually-hidden">, </span>
              {t('dj.folderHolds', { count: kids.length })}
            </span>
          )}
          {list.kind !== 'folder' && (
            <span className="crate-count">
              <span className="visually-hidden">, </span>
              {t('dj.itemCount', { count: list.itemCount })}
            </span>
          )}
        </button>
        {open && kids.length > 0 && <ul className="crate-children">{kids.map(node)}</ul>}
      </li>
    );
  };

  return (
    <section className="sidebar-group crates" aria-labelledby="crates-title">
      <h2
        id="crates-title"
        className="crates-title"
        onDragOver={(e) => hasType(e, LIST_TYPE) && e.preventDefault()}
        onDrop={(e) => {
          const moved = Number(e.dataTransfer.getData(LIST_TYPE));
          if (moved) moveList.mutate({ id: moved, parentId: null, beforeId: null });
        }}
      >
        {t('dj.crates')}
      </h2>
      <ul className="crate-tree" data-testid="crate-tree">
        <li>
          <button
            type="button"
            className="sidebar-item"
            aria-current={view === 'dj' && !detail ? 'page' : undefined}
            onClick={() => go('dj')}
          >
            {t('dj.collection')}
          </button>
        </li>
        {childrenOf(all, null).map(node)}
      </ul>
      {creating ? (
        <NewListForm
          lists={all}
          onDone={(created) => {
            setCreating(false);
            if (created) go('dj', String(created.id));
          }}
        />
      ) : (
        <button type="button" className="small crate-new" onClick={() => setCreating(true)}>
          {t('dj.newList')}
        </button>
      )}
    </section>
  );
}

/** Create a folder, crate, playlist or smart playlist, optionally inside a folder. */
export function NewListForm({ lists, onDone }: { lists: DjList[]; onDone(created: DjList | null): void }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<ListKind>('crate');
  const [name, setName] = useState('');
  const [parent, setParent] = useState('');
  const [query, setQuery] = useState('');
  const createList = useCallMutation('dj.createList');
  const error = createList.error ? describeError(createList.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    createList.mutate(
      { kind, name, parentId: parent ? Number(parent) : null, ...(kind === 'smart' ? { query } : {}) },
      { onSuccess: onDone },
    );
  };
  return (
    <form className="new-list" onSubmit={submit} aria-label={t('dj.newList')}>
      <label className="field">
        <span>{t('dj.kindLabel')}</span>
        <select value={kind} onChange={(e) => setKind(e.target.value as ListKind)}>
          {(['crate', 'playlist', 'smart', 'folder'] as const).map((k) => (
            <option key={k} value={k}>
              {t(`dj.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('dj.nameLabel')}</span>
        <input value={name} onChange={(e) => setName(e.target.value)} autoFocus required maxLength={200} />
      </label>
      <label className="field">
        <span>{t('dj.parentLabel')}</span>
        <select value={parent} onChange={(e) => setParent(e.target.value)}>
          <option value="">{t('dj.topLevel')}</option>
          {lists
            .filter((l) => l.kind === 'folder')
            .map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
        </select>
      </label>
      {kind === 'smart' && (
        <label className="field">
          <span>{t('dj.queryLabel')}</span>
          <input value={query} onChange={(e) => setQuery(e.target.value)} spellCheck={false} />
        </label>
      )}
      {error && (
        <p role="alert" className="status-error">
          {error}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="primary small" disabled={!name.trim()}>
          {t('dj.create')}
        </button>
        <button type="button" className="small" onClick={() => onDone(null)}>
          {t('dj.cancel')}
        </button>
      </div>
    </form>
  );
}
