import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  datasetEntityV1alpha1Validator,
  isDatasetEntity,
  isModelEntity,
  modelEntityV1alpha1Validator,
  RELATION_SERVED_BY,
  RELATION_SERVES,
  RELATION_TRAINED_ON,
  RELATION_TRAINING_DATA_OF,
} from '@kaml-d/plugin-kaml-d-common';

/** One relation field of a kind: where the refs are, what they default to, what they may be. */
interface RelationField {
  /** Dot-separated path of the field, as shown in error messages. */
  field: string;
  refs: string[];
  defaultKind: string;
  allowedKinds: string[];
  forward: string;
  reverse: string;
}

/**
 * Adds the KAML-D kinds to the catalog: validates `Dataset` and `Model` entities
 * (apiVersion `kaml-d.io/v1alpha1`) and emits their relations in both directions:
 *
 * - `ownedBy`/`ownerOf` from `spec.owner` (Group by default; Group or User),
 * - `partOf`/`hasPart` from `spec.system` (System),
 * - `trainedOn`/`trainingDataOf` from a Model's `spec.trainedOn` (Dataset),
 * - `servedBy`/`serves` from a Model's `spec.serving.servedBy` (Component by default; Component
 *   or API).
 *
 * @public
 */
export class KamlDEntitiesProcessor implements CatalogProcessor {
  private readonly validators = [
    { kind: 'Dataset', validator: datasetEntityV1alpha1Validator },
    { kind: 'Model', validator: modelEntityV1alpha1Validator },
  ];

  getProcessorName(): string {
    return 'KamlDEntitiesProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    for (const { kind, validator } of this.validators) {
      try {
        if (await validator.check(entity)) {
          return true;
        }
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new InputError(
          `Invalid ${kind} "${entity.metadata?.name}": ${reason}`,
          error,
        );
      }
    }
    return false;
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    const fields = this.relationFields(entity);
    if (!fields.length) {
      return entity;
    }
    const self = getCompoundEntityRef(entity);
    for (const field of fields) {
      field.refs.forEach((ref, index) => {
        const target = this.resolveRef(self, field, ref, index);
        emit(
          processingResult.relation({
            source: self,
            type: field.forward,
            target,
          }),
        );
        emit(
          processingResult.relation({
            source: target,
            type: field.reverse,
            target: self,
          }),
        );
      });
    }
    return entity;
  }

  private relationFields(entity: Entity): RelationField[] {
    if (!isDatasetEntity(entity) && !isModelEntity(entity)) {
      return [];
    }
    const fields: RelationField[] = [
      {
        field: 'spec.owner',
        refs: [entity.spec.owner],
        defaultKind: 'Group',
        allowedKinds: ['Group', 'User'],
        forward: RELATION_OWNED_BY,
        reverse: RELATION_OWNER_OF,
      },
      {
        field: 'spec.system',
        refs: entity.spec.system ? [entity.spec.system] : [],
        defaultKind: 'System',
        allowedKinds: ['System'],
        forward: RELATION_PART_OF,
        reverse: RELATION_HAS_PART,
      },
    ];
    if (isModelEntity(entity)) {
      fields.push(
        {
          field: 'spec.trainedOn',
          refs: entity.spec.trainedOn ?? [],
          defaultKind: 'Dataset',
          allowedKinds: ['Dataset'],
          forward: RELATION_TRAINED_ON,
          reverse: RELATION_TRAINING_DATA_OF,
        },
        {
          field: 'spec.serving.servedBy',
          refs: entity.spec.serving?.servedBy ?? [],
          defaultKind: 'Component',
          allowedKinds: ['Component', 'API'],
          forward: RELATION_SERVED_BY,
          reverse: RELATION_SERVES,
        },
      );
    }
    return fields;
  }

  private resolveRef(
    self: CompoundEntityRef,
    field: RelationField,
    ref: string,
    index: number,
  ): CompoundEntityRef {
    const where =
      field.field === 'spec.owner' || field.field === 'spec.system'
        ? field.field
        : `${field.field}[${index}]`;
    let target: CompoundEntityRef;
    try {
      target = parseEntityRef(ref, {
        defaultKind: field.defaultKind,
        defaultNamespace: self.namespace,
      });
    } catch (error) {
      throw new InputError(
        `Invalid ${where} of ${stringifyEntityRef(
          self,
        )}: "${ref}" is not an entity reference`,
        error,
      );
    }
    const allowed = field.allowedKinds.find(
      kind =>
        kind.toLocaleLowerCase('en-US') ===
        target.kind.toLocaleLowerCase('en-US'),
    );
    if (!allowed) {
      throw new InputError(
        `Invalid ${where} of ${stringifyEntityRef(self)}: "${ref}" is a ${
          target.kind
        }, ` + `but it must be a ${field.allowedKinds.join(' or ')}`,
      );
    }
    return { kind: allowed, namespace: target.namespace, name: target.name };
  }
}
