import {
  CatalogGraphPage,
  EntityCatalogGraphCard,
} from '@backstage/plugin-catalog-graph';
import catalogGraphPlugin from '@backstage/plugin-catalog-graph/alpha';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { edgeLabel } from './relationLabels';

/** Edge labels in words (`trained on / training data of`), centred on the edge. */
export function renderLabel(props: { edge: { relations: string[] } }) {
  return <text textAnchor="middle">{edgeLabel(props.edge.relations)}</text>;
}

/** The catalog graph's relations card (its configuration unchanged), with edge labels in words. */
export const relationsCard = catalogGraphPlugin
  .getExtension('entity-card:catalog-graph/relations')
  .override({
    factory(originalFactory, { config }) {
      return originalFactory({
        params: {
          loader: async () => (
            <EntityCatalogGraphCard {...config} renderLabel={renderLabel} />
          ),
        },
      });
    },
  });

/** The catalog graph page (its configuration unchanged), with edge labels in words. */
export const graphPage = catalogGraphPlugin
  .getExtension('page:catalog-graph')
  .override({
    factory(originalFactory, { config }) {
      return originalFactory({
        params: {
          loader: async () => (
            <CatalogGraphPage
              {...config}
              initialState={config}
              renderLabel={renderLabel}
            />
          ),
        },
      });
    },
  });

/**
 * Replaces the catalog graph's card and page (same extension ids and configuration) so that
 * edges read "trained on", "served by", … instead of the raw relation names.
 */
export const catalogGraphModule = createFrontendModule({
  pluginId: 'catalog-graph',
  extensions: [relationsCard, graphPage],
});
