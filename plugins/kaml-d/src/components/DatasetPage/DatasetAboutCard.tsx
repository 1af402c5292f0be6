import {
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  EntityInfoCard,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_KAML_D_LAST_MODIFIED,
  ANNOTATION_KAML_D_OBJECT_COUNT,
  ANNOTATION_KAML_D_SIZE_BYTES,
  DatasetEntityV1alpha1,
  DatasetSize,
  parseMediaFacts,
} from '@kaml-d/plugin-kaml-d-common';
import Chip from '@material-ui/core/Chip';
import { Field, Fields } from '../shared/Fields';
import { formatDateTime } from '../shared/dates';
import { RescanButton } from '../shared/RescanButton';
import { OpenInNotebookButton } from '../Notebooks';
import { DatasetRowCount, isCountable } from './DatasetRowCount';
import { formatBytes, formatCount, relationTargets } from '../shared/relations';
import { MediaSummary, isMediaFormat } from '../shared/MediaSummary';

function annotatedCount(value: string | undefined): number | undefined {
  const count = value === undefined ? NaN : Number(value);
  return Number.isSafeInteger(count) && count >= 0 ? count : undefined;
}

/** Size as declared, completed by what was measured in storage. */
function sizeOf(entity: DatasetEntityV1alpha1): DatasetSize | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const size: DatasetSize = {
    bytes:
      entity.spec.size?.bytes ??
      annotatedCount(annotations[ANNOTATION_KAML_D_SIZE_BYTES]),
    rows: entity.spec.size?.rows,
    files:
      entity.spec.size?.files ??
      annotatedCount(annotations[ANNOTATION_KAML_D_OBJECT_COUNT]),
  };
  return Object.values(size).some(v => v !== undefined) ? size : undefined;
}

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

/** Files of a tabular format in object storage: what a starter notebook loads. */
function isNotebookReadable(entity: DatasetEntityV1alpha1): boolean {
  return isCountable(entity) && !entity.spec.location.startsWith('trino://');
}

/**
 * The facts of a Dataset: format, location, size, last change, exact row count, owner,
 * lifecycle and tags.
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
  const modified = metadata.annotations?.[ANNOTATION_KAML_D_LAST_MODIFIED];
  const media = parseMediaFacts(entity);
  return (
    <EntityInfoCard
      title="Dataset details"
      headerActions={
        <>
          {isNotebookReadable(entity) && (
            <OpenInNotebookButton
              target={{
                kind: 'dataset',
                namespace: metadata.namespace ?? 'default',
                name: metadata.name,
              }}
            />
          )}{' '}
          <RescanButton entityRef={stringifyEntityRef(entity)} />
        </>
      }
    >
      <Fields>
        <Field label="Format">{spec.format}</Field>
        <Field label="Lifecycle">{spec.lifecycle}</Field>
        <Field label="Location" gridSizes={{ sm: 12 }}>
          <code>{spec.location}</code>
        </Field>
        <Field label="Size" emptyText="Not measured yet">
          {describeSize(sizeOf(entity))}
        </Field>
        {isMediaFormat(spec.format) && (
          <Field label="Media" emptyText="Not measured yet">
            {media ? <MediaSummary facts={media} /> : undefined}
          </Field>
        )}
        <Field label="Modified" emptyText="Not measured yet">
          {modified ? formatDateTime(modified) : undefined}
        </Field>
        {isCountable(entity) && (
          <Field label="Rows">
            <DatasetRowCount entity={entity} />
          </Field>
        )}
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
