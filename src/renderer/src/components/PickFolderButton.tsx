import { api } from '../api/client';

/**
 * A button that opens the OS folder picker and hands the chosen folder to `onPicked` (nothing
 * when the user cancels). Only in the desktop app: in a browser the path field is the only way.
 */
export function PickFolderButton(props: { title: string; label?: string; onPicked(folder: string): void }) {
  if (api.host !== 'electron') return null;
  const pick = () =>
    void api
      .call('dialog.pickFolder', { title: props.title })
      .then((folder) => folder && props.onPicked(folder));
  return (
    <button type="button" onClick={pick}>
      {props.label ?? props.title}
    </button>
  );
}
