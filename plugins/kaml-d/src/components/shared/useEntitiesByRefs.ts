import { Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

/** One entity reference and the entity it points at, when the catalog has it. */
export interface ResolvedRef {
  /** The full reference, `kind:namespace/name`, lower-case kind. */
  ref: string;
  /** The entity, or `undefined` when the catalog does not have it. */
  entity?: Entity;
}

/**
 * Fetches the entities that `refs` point at, in order, keeping the references the catalog does
 * not know (their `entity` is `undefined`).
 */
export function useEntitiesByRefs(refs: string[]): {
  loading: boolean;
  error?: Error;
  value?: ResolvedRef[];
} {
  const catalogApi = useApi(catalogApiRef);
  const key = refs.join('\n');
  return useAsync(async () => {
    if (!refs.length) {
      return [];
    }
    const { items } = await catalogApi.getEntitiesByRefs({ entityRefs: refs });
    return refs.map((ref, index) => ({
      ref,
      entity: items[index] ?? undefined,
    }));
    // refs is compared by content through `key`
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [catalogApi, key]);
}
