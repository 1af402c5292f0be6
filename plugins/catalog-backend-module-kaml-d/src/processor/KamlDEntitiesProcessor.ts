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
import {
  checkDatasetBinding,
  DatasetBindingHolder,
  DatasetBindingPolicy,
} from '@kaml-d/plugin-kaml-d-node';

/**
 * Options of {@link KamlDEntitiesProcessor}.
 *
 * @public
 */
export interface KamlDEntitiesProcessorOptions {
  /**
   * The storage binding rule's configuration (`readDatasetBindingPolicy`). Without it no
   * Dataset is bound to storage, so every Dataset is rejected.
   */
  bindingPolicy?: DatasetBindingPolicy;
  /**
   * The current holders of locations (bound Datasets and admin mappings), read at most
   * `maxAgeMs` ago when given; none by default.
   */
  bindingHolders?: (maxAgeMs?: number) => Promise<DatasetBindingHolder[]>;
}

/** How old the holders may be when a rejection is about to say that nobody holds a location. */
const FRESH_HOLDERS_MS = 1_000;

const NO_BINDINGS: DatasetBindingPolicy = {
  storage: { s3Adapter: 'file', fileRoot: '/' },
  trustedOrigins: new Set(),
  mappings: [],
  discovery: new Map(),
};

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
 * A Dataset is rejected (a processing error; the catalog does not store it) unless the storage
 * binding rule binds its `spec.location` to it and no other Dataset holds an overlapping
 * location with precedence (`checkDatasetBinding` of `@kaml-d/plugin-kaml-d-node`); the error
 * names the location's rightful dataset and owner.
 *
 * @public
 */
export class KamlDEntitiesProcessor implements CatalogProcessor {
  private readonly bindingPolicy: DatasetBindingPolicy;
  private readonly bindingHolders: (
    maxAgeMs?: number,
  ) => Promise<DatasetBindingHolder[]>;

  constructor(options: KamlDEntitiesProcessorOptions = {}) {
    this.bindingPolicy = options.bindingPolicy ?? NO_BINDINGS;
    this.bindingHolders = options.bindingHolders ?? (async () => []);
  }

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
    if (isDatasetEntity(entity)) {
      await this.checkBinding(entity);
    }
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

  private async checkBinding(entity: Entity): Promise<void> {
    let decision = checkDatasetBinding(
      entity,
      this.bindingPolicy,
      await this.bindingHolders(),
    );
    if (!decision.allowed && !decision.holder) {
      // name the rightful holder even if it was bound since the holders were last read
      decision = checkDatasetBinding(
        entity,
        this.bindingPolicy,
        await this.bindingHolders(FRESH_HOLDERS_MS),
      );
    }
    if (!decision.allowed) throw new InputError(decision.message);
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
