import { EmptyState, Link } from '@backstage/core-components';
import {
  EntityInfoCard,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  ModelEntityV1alpha1,
  RELATION_SERVED_BY,
} from '@kaml-d/plugin-kaml-d-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { CatalogError, CatalogLoading } from '../shared/AsyncStates';
import { Field, Fields } from '../shared/Fields';
import { MissingRef } from '../shared/MissingRef';
import { relationTargets } from '../shared/relations';
import { useEntitiesByRefs } from '../shared/useEntitiesByRefs';

function kindTitle(kind: string): string {
  return kind.toLocaleLowerCase('en-US') === 'api' ? 'API' : kind;
}

/**
 * How a Model is served: its endpoint, runtime and the Component/API of its inference service
 * (its `servedBy` relations).
 */
export function ModelServingCard() {
  const { entity } = useEntity<ModelEntityV1alpha1>();
  const serving = entity.spec.serving;
  const refs = relationTargets(
    entity,
    RELATION_SERVED_BY,
    serving?.servedBy,
    'component',
  );
  const { loading, error, value } = useEntitiesByRefs(refs);

  if (!serving && !refs.length) {
    return (
      <EntityInfoCard title="Served by">
        <EmptyState
          missing="info"
          title="This model is not deployed"
          description="When it is, spec.serving names its endpoint, runtime and the Component and API of its inference service."
        />
      </EntityInfoCard>
    );
  }

  let services;
  if (!refs.length) {
    services = null;
  } else if (loading) {
    services = <CatalogLoading />;
  } else if (error) {
    services = <CatalogError error={error} what="the inference service" />;
  } else {
    services = (
      <Table size="small" aria-label="Inference service">
        <TableHead>
          <TableRow>
            <TableCell>Service</TableCell>
            <TableCell>Kind</TableCell>
            <TableCell>Type</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {(value ?? []).map(({ ref, entity: service }) => (
            <TableRow key={ref}>
              <TableCell>
                {service ? (
                  <EntityRefLink entityRef={service} />
                ) : (
                  <MissingRef entityRef={ref} />
                )}
              </TableCell>
              <TableCell>
                {kindTitle(service?.kind ?? ref.split(':')[0])}
              </TableCell>
              <TableCell>
                {typeof service?.spec?.type === 'string'
                  ? service.spec.type
                  : null}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }

  return (
    <EntityInfoCard title="Served by">
      <Fields>
        <Field
          label="Endpoint"
          gridSizes={{ sm: 12 }}
          emptyText="No endpoint declared"
        >
          {serving?.endpoint ? (
            <Link to={serving.endpoint}>{serving.endpoint}</Link>
          ) : undefined}
        </Field>
        <Field label="Runtime" emptyText="Not declared">
          {serving?.runtime}
        </Field>
      </Fields>
      {services}
    </EntityInfoCard>
  );
}
