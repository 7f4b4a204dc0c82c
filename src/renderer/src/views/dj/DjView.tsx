import { useTranslation } from 'react-i18next';
import { useNavigation } from '../../store/navigation';
import { CompatibleKeys } from './CompatibleKeys';
import { CollectionGrid, CollectionHead, CollectionToolbar, DjNotice } from './DjCollectionParts';
import { ImportDialog } from './ExportDialog';
import { DjListView } from './DjListView';
import { QueryBox } from './QueryBox';
import { TagEditor } from './TagEditor';
import { useDjCollection } from './useDjCollection';
import './dj.css';

/** The DJ views: the whole collection (no list chosen) or one list. */
export function DjView() {
  const detail = useNavigation((s) => s.detail);
  return detail ? <DjListView key={detail} id={Number(detail)} /> : <DjCollection />;
}

/** The owned collection with the query language, BPM and key, compatible keys, add to crate, tags and import. */
function DjCollection() {
  const { t } = useTranslation();
  const view = useDjCollection();
  return (
    <section className="view view-fill dj-view" aria-labelledby="dj-title">
      <CollectionHead total={view.paged.total} onImport={() => view.setImporting(true)} />
      <QueryBox value={view.queryText} onChange={view.setQueryText} label={t('dj.queryLabel')} />
      <CompatibleKeys notation={view.notation} onFilter={view.setQueryText} />
      <CollectionToolbar view={view} />
      <DjNotice />
      <CollectionGrid view={view} />
      {view.menu.element}
      {view.editing && <TagEditor track={view.editing} onClose={() => view.setEditing(null)} />}
      {view.importing && (
        <ImportDialog onClose={() => view.setImporting(false)} onImported={view.afterImport} />
      )}
    </section>
  );
}
