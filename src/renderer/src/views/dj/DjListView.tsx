import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DjList, LocalDjTrack } from '../../../../shared/contract/dj';
import { useCall } from '../../api/queries';
import { useNavigation } from '../../store/navigation';
import { DjNotice } from './DjCollectionParts';
import { ExportDialog } from './ExportDialog';
import { ListActions, SmartQueryForm } from './ListActions';
import { ListItems } from './ListItems';
import { TagEditor } from './TagEditor';
import { useListAction, useListEditing, useListItems } from './useListPanel';

/** One folder, crate, playlist or smart playlist: its tracks, reorder, remove, rename, move, delete, export. */
export function DjListView({ id }: { id: number }) {
  const { t } = useTranslation();
  const lists = useCall('dj.lists', {});
  const list = lists.data?.find((l) => l.id === id);
  if (lists.isLoading) return <section className="view">{t('grid.loading')}</section>;
  if (!list) {
    return (
      <section className="view">
        <p role="alert">{t('dj.listGone')}</p>
      </section>
    );
  }
  return <ListPanel list={list} lists={lists.data ?? []} />;
}

function ListPanel({ list, lists }: { list: DjList; lists: DjList[] }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<LocalDjTrack | null>(null);
  const { error, run } = useListAction();
  const edit = useListEditing(list, run);
  const items = useListItems(list, lists, run, setEditing);
  const folders = lists.filter((l) => l.kind === 'folder' && l.id !== list.id);
  return (
    <section className="view view-fill dj-view" aria-labelledby="dj-list-title">
      <div className="view-head">
        <h1 id="dj-list-title">{list.name}</h1>
        <span className="muted">{t(`dj.kinds.${list.kind}`)}</span>
        {list.kind !== 'folder' && (
          <span className="muted" role="status" data-testid="dj-list-count">
            {t('tracks.count', { count: items.paged.total ?? list.itemCount })}
          </span>
        )}
      </div>
      <ListActions list={list} folders={folders} edit={edit} />
      {list.kind === 'smart' && <SmartQueryForm list={list} edit={edit} />}
      {error && (
        <p role="alert" className="status-error">
          {error}
        </p>
      )}
      <DjNotice />
      {list.kind === 'folder' ? (
        <FolderContents list={list} lists={lists} />
      ) : (
        <ListItems list={list} items={items} />
      )}
      {edit.exporting && <ExportDialog list={list} onClose={() => edit.setExporting(false)} />}
      {editing && <TagEditor track={editing} onClose={() => setEditing(null)} />}
    </section>
  );
}

function FolderContents({ list, lists }: { list: DjList; lists: DjList[] }) {
  const { t } = useTranslation();
  const go = useNavigation((s) => s.go);
  const kids = lists.filter((l) => l.parentId === list.id).sort((a, b) => a.position - b.position);
  if (kids.length === 0) return <p className="muted">{t('dj.emptyFolder')}</p>;
  return (
    <ul className="dj-folder">
      {kids.map((k) => (
        <li key={k.id}>
          <button type="button" className="link" onClick={() => go('dj', String(k.id))}>
            {k.name}
          </button>{' '}
          <span className="muted">{t(`dj.kinds.${k.kind}`)}</span>
        </li>
      ))}
    </ul>
  );
}
