import { useTranslation } from 'react-i18next';
import { useCall } from '../../api/queries';
import { useNavigation } from '../../store/navigation';

/** Under an empty Co-op catalog on the app's own node: where releases come from. */
export function EmptyCatalogHint() {
  const { t } = useTranslation();
  const go = useNavigation((s) => s.go);
  const account = useCall('account.status', {});
  if (!account.data?.bundledServer) return null;
  return (
    <p data-testid="coop-empty-hint">
      {t('coopNode.emptyCatalog')}{' '}
      <button type="button" className="link" onClick={() => go('coopNode')}>
        {t('coopNode.openPage')}
      </button>
    </p>
  );
}
