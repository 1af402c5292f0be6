import { RELATION_OWNED_BY } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import {
  EntityInfoCard,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { ModelEntityV1alpha1 } from '@kaml-d/plugin-kaml-d-common';
import { Field, Fields } from '../shared/Fields';
import { relationTargets } from '../shared/relations';

/**
 * The facts of a Model: framework, task, artifact, owner, lifecycle and notebooks.
 */
export function ModelAboutCard() {
  const { entity } = useEntity<ModelEntityV1alpha1>();
  const { spec } = entity;
  const owners = relationTargets(
    entity,
    RELATION_OWNED_BY,
    [spec.owner],
    'group',
  );
  const notebooks = spec.notebooks ?? [];
  return (
    <EntityInfoCard title="Model details">
      <Fields>
        <Field label="Framework">{spec.framework}</Field>
        <Field label="Task">{spec.task}</Field>
        <Field
          label="Artifact"
          gridSizes={{ sm: 12 }}
          emptyText="No artifact registered"
        >
          {spec.artifact ? (
            <>
              <code>{spec.artifact.location}</code>
              {spec.artifact.format ? ` (${spec.artifact.format})` : null}
            </>
          ) : undefined}
        </Field>
        <Field label="Owner">
          {owners.map(ref => (
            <EntityRefLink key={ref} entityRef={ref} />
          ))}
        </Field>
        <Field label="Lifecycle">{spec.lifecycle}</Field>
        <Field
          label="Notebooks"
          gridSizes={{ sm: 12 }}
          emptyText="No notebooks"
        >
          {notebooks.length ? (
            <ul style={{ margin: 0, paddingLeft: '1.2em' }}>
              {notebooks.map(notebook => (
                <li key={notebook.url}>
                  <Link to={notebook.url}>
                    {notebook.title ?? notebook.url}
                  </Link>
                </li>
              ))}
            </ul>
          ) : undefined}
        </Field>
      </Fields>
    </EntityInfoCard>
  );
}
