import { RELATION_OWNED_BY } from '@backstage/catalog-model';
import {
  EntityInfoCard,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  DatasetEntityV1alpha1,
  DatasetSize,
} from '@kaml-d/plugin-kaml-d-common';
import Chip from '@material-ui/core/Chip';
import { Field, Fields } from '../shared/Fields';
import { formatBytes, formatCount, relationTargets } from '../shared/relations';

function describeSize(size?: DatasetSize): string | undefined {
  if (!size) {
    return undefined;
  }
  const parts = [
    size.bytes !== undefined ? formatBytes(size.bytes) : undefined,
    size.rows !== undefined ? `${formatCount(size.rows)} rows` : undefined,
    size.files !== undefined
      ? `${formatCount(size.files)} ${size.files === 1 ? 'file' : 'files'}`
      : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : undefined;
}

/**
 * The facts of a Dataset: format, location, size, owner, lifecycle and tags.
 */
export function DatasetAboutCard() {
  const { entity } = useEntity<DatasetEntityV1alpha1>();
  const { spec, metadata } = entity;
  const owners = relationTargets(
    entity,
    RELATION_OWNED_BY,
    [spec.owner],
    'group',
  );
  const tags = metadata.tags ?? [];
  return (
    <EntityInfoCard title="Dataset details">
      <Fields>
        <Field label="Format">{spec.format}</Field>
        <Field label="Lifecycle">{spec.lifecycle}</Field>
        <Field label="Location" gridSizes={{ sm: 12 }}>
          <code>{spec.location}</code>
        </Field>
        <Field label="Size" emptyText="Not measured yet">
          {describeSize(spec.size)}
        </Field>
        <Field label="Owner">
          {owners.map(ref => (
            <EntityRefLink key={ref} entityRef={ref} />
          ))}
        </Field>
        <Field label="Tags" emptyText="No tags" gridSizes={{ sm: 12 }}>
          {tags.map(tag => (
            <Chip key={tag} label={tag} size="small" variant="outlined" />
          ))}
        </Field>
      </Fields>
    </EntityInfoCard>
  );
}
