import { useTranslation } from 'react-i18next';
import type { DjList } from '../../../../shared/contract/dj';
import { queryError, QueryBox } from './QueryBox';
import type { ListEditing } from './useListPanel';

/** Rename, move to a folder, export, delete (with a confirmation): the list's own toolbar. */
export function ListActions({ list, folders, edit }: { list: DjList; folders: DjList[]; edit: ListEditing }) {
  const { t } = useTranslation();
  return (
    <div className="dj-list-actions" role="toolbar" aria-label={t('dj.listActions')}>
      {edit.renaming === null ? (
        <button type="button" onClick={() => edit.setRenaming(list.name)}>
          {t('dj.rename')}
        </button>
      ) : (
        <RenameForm
          name={edit.renaming}
          onChange={edit.setRenaming}
          onSave={() => edit.saveName(edit.renaming ?? '')}
          onCancel={() => edit.setRenaming(null)}
        />
      )}
      <label className="inline-field">
        <span>{t('dj.moveTo')}</span>
        <select
          value={list.parentId === null ? '' : String(list.parentId)}
          onChange={(e) => edit.moveTo(e.target.value ? Number(e.target.value) : null)}
        >
          <option value="">{t('dj.topLevel')}</option>
          {folders.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      {list.kind !== 'folder' && (
        <button type="button" className="primary" onClick={() => edit.setExporting(true)}>
          {t('dj.export.open')}
        </button>
      )}
      {edit.confirmDelete ? (
        <span className="inline-form" role="group" aria-label={t('dj.deleteConfirm', { name: list.name })}>
          <span>{t('dj.deleteConfirm', { name: list.name })}</span>
          <button type="button" className="danger" onClick={edit.deleteList}>
            {t('dj.delete')}
          </button>
          <button type="button" onClick={() => edit.setConfirmDelete(false)}>
            {t('dj.cancel')}
          </button>
        </span>
      ) : (
        <button type="button" onClick={() => edit.setConfirmDelete(true)}>
          {t('dj.delete')}
        </button>
      )}
    </div>
  );
}

function RenameForm({
  name,
  onChange,
  onSave,
  onCancel,
}: {
  name: string;
  onChange(name: string): void;
  onSave(): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSave();
      }}
    >
      <label className="inline-field">
        <span>{t('dj.nameLabel')}</span>
        <input value={name} onChange={(e) => onChange(e.target.value)} required />
      </label>
      <button type="submit" className="primary">
        {t('dj.save')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('dj.cancel')}
      </button>
    </form>
  );
}

/** A smart list's query, checked as it is typed; saved when it parses and changed. */
export function SmartQueryForm({ list, edit }: { list: DjList; edit: ListEditing }) {
  const { t } = useTranslation();
  return (
    <form
      className="dj-smart"
      onSubmit={(e) => {
        e.preventDefault();
        edit.saveQuery();
      }}
    >
      <QueryBox value={edit.smartQuery} onChange={edit.setSmartQuery} label={t('dj.smartQuery')} />
      <button type="submit" disabled={!!queryError(edit.smartQuery) || edit.smartQuery === list.query}>
        {t('dj.save')}
      </button>
    </form>
  );
}
