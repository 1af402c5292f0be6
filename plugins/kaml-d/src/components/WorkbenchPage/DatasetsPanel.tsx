import { EmptyState } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import { makeStyles } from '@material-ui/core/styles';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { CatalogError, CatalogLoading } from '../shared/AsyncStates';
import { loadDatasetFacets } from './datasetFacets';
import { FilterSelect, NameFilter, ProjectsList } from './DatasetFilters';
import {
  DatasetView,
  isFiltered,
  loadDatasetPage,
  paramsWithView,
  viewFromParams,
} from './datasetQuery';
import { DatasetsTable } from './DatasetsTable';

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
}));

/**
 * The Workbench's datasets: a page of the catalog's Dataset entities (Name, Modified, Summary,
 * Tags, Size) with filters, beside the list of projects. The catalog filters, sorts, counts and
 * pages (only the shown fields of one page are sent); the filters' choices come from its facet
 * counts. The view lives in the URL (`?tag=…&owner=…&sort=modified&page=2`), so it can be shared
 * and the back button returns to the previous one. `reloadKey` reads the catalog again.
 */
export function DatasetsPanel(props: { reloadKey?: number }) {
  const classes = useStyles();
  const catalogApi = useApi(catalogApiRef);
  const [params, setParams] = useSearchParams();
  const view = viewFromParams(params);
  const viewKey = paramsWithView(new URLSearchParams(), view).toString();
  const page = useAsync(
    () =>
      loadDatasetPage(catalogApi, viewFromParams(new URLSearchParams(viewKey))),
    [catalogApi, viewKey, props.reloadKey],
  );
  // the filters' choices are asked once the first rows are there: asked at the same time, the
  // catalog's facet queries made the rows wait (bench/workbench-scale.bench.ts)
  const pageSettled = page.value !== undefined || page.error !== undefined;
  const facets = useAsync(
    async () => (pageSettled ? loadDatasetFacets(catalogApi) : undefined),
    [catalogApi, props.reloadKey, pageSettled],
  );
  // a new entry in the history per change: the back button returns to the previous view
  const update = (patch: Partial<DatasetView>) =>
    setParams(paramsWithView(params, { ...view, page: 1, ...patch }));

  if (page.loading && !page.value) {
    return (
      <Grid item xs={12}>
        <CatalogLoading />
      </Grid>
    );
  }
  if (page.error || !page.value) {
    return (
      <Grid item xs={12}>
        <CatalogError
          error={page.error ?? new Error('no answer')}
          what="the datasets"
        />
      </Grid>
    );
  }
  if (page.value.total === 0 && !isFiltered(view)) {
    return (
      <Grid item xs={12}>
        <EmptyState
          missing="data"
          title="No datasets yet"
          description="Upload files with the Upload dataset button, or add a Dataset entity file to the catalog. Right after the portal starts, the catalog may still be reading its files: reload in a minute."
        />
      </Grid>
    );
  }
  const choices = facets.value;
  return (
    <>
      <Grid item xs={12} md={3}>
        <ProjectsList
          facets={facets}
          selected={view.project}
          onSelect={project => update({ project })}
        />
      </Grid>
      <Grid item xs={12} md={9}>
        <div className={classes.filters} role="group" aria-label="Filters">
          <NameFilter value={view.q} onChange={q => update({ q })} />
          <FilterSelect
            label="Tag"
            value={view.tag}
            options={choices?.tags ?? []}
            onChange={tag => update({ tag })}
          />
          <FilterSelect
            label="Format"
            value={view.format}
            options={choices?.formats ?? []}
            onChange={format => update({ format })}
          />
          <FilterSelect
            label="Owner"
            value={view.owner}
            options={choices?.owners ?? []}
            onChange={owner => update({ owner })}
          />
        </div>
        <DatasetsTable
          view={view}
          page={page.value}
          allDatasets={choices?.total}
          refreshing={page.loading}
          onView={patch =>
            setParams(paramsWithView(params, { ...view, ...patch }))
          }
        />
      </Grid>
    </>
  );
}
