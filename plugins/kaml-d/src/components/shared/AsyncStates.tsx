import { Progress, ResponseErrorPanel } from '@backstage/core-components';

/** Loading and error states of a card that reads the catalog. */
export function CatalogLoading() {
  return <Progress aria-label="Loading from the catalog" />;
}

/** Error state of a card that could not read the catalog. */
export function CatalogError(props: { error: Error; what: string }) {
  return (
    <ResponseErrorPanel
      title={`Could not load ${props.what} from the catalog`}
      error={props.error}
    />
  );
}
