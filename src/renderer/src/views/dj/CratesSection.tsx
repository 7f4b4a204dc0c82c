import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DjList, ListKind } from '../../../../shared/contract/dj';
import { useCall, useCallMutation } from '../../api/queries';
import { useNavigation } from '../../store/navigation';
import { describeError } from '../../lib/describe-error';
import { CrateNode, type CrateTree } from './CrateNode';
import { LIST_TYPE, hasType } from './dnd';
import { childrenOf, useCollapsedFolders, useCrateDrop } from './useCrateTree';
import './dj.css';

/** The sidebar's "Crates" section: the tree of folders, crates, playlists and smart playlists. */
export function CratesSection() {
  const { t } = useTranslation();
  const lists = useCall('dj.lists', {});
  const drop = useCrateDrop();
  const { collapsed, toggleFolder } = useCollapsedFolders();
  const tree: CrateTree = { all: lists.data ?? [], collapsed, toggleFolder, drop };
  return (
    <section className="sidebar-group crates" aria-labelledby="crates-title">
      <h2
        id="crates-title"
        className="crates-title"
        onDragOver={(e) => hasType(e, LIST_TYPE) && e.preventDefault()}
        onDrop={drop.onTitleDrop}
      >
        {t('dj.crates')}
      </h2>
      <ul className="crate-tree" data-testid="crate-tree">
        <li>
          <CollectionButton />
        </li>
        {childrenOf(tree.all, null).map((list) => (
          <CrateNode key={list.id} list={list} tree={tree} />
        ))}
      </ul>
      <NewListToggle lists={tree.all} />
    </section>
  );
}

function CollectionButton() {
  const { t } = useTranslation();
  const { view, detail, go } = useNavigation();
  return (
    <button
      type="button"
      className="sidebar-item"
      aria-current={view === 'dj' && !detail ? 'page' : undefined}
      onClick={() => go('dj')}
    >
      {t('dj.collection')}
    </button>
  );
}

/** The "New crate or folder…" button, or its form while open; a created list opens. */
function NewListToggle({ lists }: { lists: DjList[] }) {
  const { t } = useTranslation();
  const go = useNavigation((s) => s.go);
  const [creating, setCreating] = useState(false);
  if (creating) {
    return (
      <NewListForm
        lists={lists}
        onDone={(created) => {
          setCreating(false);
          if (created) go('dj', String(created.id));
        }}
      />
    );
  }
  return (
    <button type="button" className="small crate-new" onClick={() => setCreating(true)}>
      {t('dj.newList')}
    </button>
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
