import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ModelEntityV1alpha1,
  ModelVersion,
  ModelVersionComparison,
  modelVersionPromotePermission,
} from '@kaml-d/plugin-kaml-d-common';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kamlDApiRef } from '../../api';
import { serverMessage } from '../shared/errors';
import { Notice } from './notice';
import { deniedPermission } from './permissions';

/**
 * The state and actions of the Model Versions tab: the versions answer (versions, aliases and
 * the deployments serving them), the versions selected for comparing and their comparison, the
 * version being promoted and the alias it gets, the permission to promote and the notice of the
 * last action.
 */
export function useModelVersions() {
  const api = useApi(kamlDApiRef);
  const { entity } = useEntity<ModelEntityV1alpha1>();
  const entityRef = stringifyEntityRef(entity);
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const [searchParams] = useSearchParams();
  const highlighted = Number(searchParams.get('version') ?? NaN);
  // one answer for the whole tab: versions, aliases and the deployments serving them
  const versions = useAsyncRetry(
    () =>
      api.listModelVersions({ namespace, name }, { includeDeployments: true }),
    [api, namespace, name],
  );
  const promotePermission = usePermission({
    permission: modelVersionPromotePermission,
    resourceRef: entityRef,
  });
  const [selected, setSelected] = useState<number[]>([]);
  const [comparison, setComparison] = useState<ModelVersionComparison>();
  const [promoting, setPromoting] = useState<ModelVersion>();
  const [alias, setAlias] = useState('champion');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>();
  const [refusedPromote, setRefusedPromote] = useState<string>();
  const deniedPromote =
    refusedPromote ??
    (!promotePermission.loading && !promotePermission.allowed
      ? modelVersionPromotePermission.name
      : undefined);

  const toggle = (version: number) =>
    setSelected(s =>
      s.includes(version) ? s.filter(x => x !== version) : [...s, version],
    );

  const compare = async () => {
    setNotice(undefined);
    try {
      setComparison(
        await api.compareModelVersions(
          { namespace, name },
          [...selected].sort((a, b) => a - b),
        ),
      );
    } catch (e) {
      setNotice({
        severity: 'error',
        text: `Could not compare: ${serverMessage(e as Error)}`,
      });
    }
  };

  const promote = async (version: ModelVersion) => {
    setPromoting(undefined);
    setNotice(undefined);
    setBusy(true);
    try {
      await api.promoteModelAlias({ namespace, name }, alias, version.version);
      setNotice({
        severity: 'success',
        text: `${alias} now points at version ${version.version}.`,
      });
      versions.retry();
    } catch (e) {
      const permission = deniedPermission(e as Error);
      if (permission) setRefusedPromote(permission);
      setNotice({
        severity: 'error',
        text: `Could not promote version ${version.version}: ${serverMessage(
          e as Error,
        )}`,
      });
    } finally {
      setBusy(false);
    }
  };

  return {
    entityRef,
    name,
    highlighted,
    versions,
    notice,
    selection: { selected, toggle, compare, comparison },
    promotion: {
      /** The version the promote dialog is open for. */
      version: promoting,
      open: setPromoting,
      cancel: () => setPromoting(undefined),
      alias,
      setAlias,
      promote,
      /** The permission the user lacks to promote, when known. */
      denied: deniedPromote,
      disabled: busy || promotePermission.loading || !!deniedPromote,
    },
  };
}
