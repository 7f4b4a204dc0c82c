import type { TFunction } from 'i18next';

/** One field the main process refused (a call's `issues`): `path` is the field's name in the contract. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** `syncServerUrl` → `sync server url`, `folders.0` → `folders 0`: never a code name as is. */
export function humanizePath(path: string): string {
  const words = path
    .split(/[.[\]/]+/)
    .filter(Boolean)
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase())
    .join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A refused field in words the user knows: its label as the form shows it
 * (`fields.<path>.label`) and what to do (`fields.<path>.invalid`), else a
 * humanized name and the validator's own message. Field names of the
 * contract (`syncServerUrl`) are never shown.
 */
export function issueText(issue: FieldIssue, t: TFunction): string {
  const key = issue.path.replace(/\.\d+/g, '');
  const label = t(`fields.${key}.label`, { defaultValue: humanizePath(key) });
  const hint = t(`fields.${key}.invalid`, { defaultValue: issue.message });
  return `${label}: ${hint}`;
}
