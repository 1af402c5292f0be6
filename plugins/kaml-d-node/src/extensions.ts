import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { StorageAdapter } from './storage';
import { QueryEngine } from './query';

/**
 * Lets backend modules add storage adapters to the KAML-D backend. An adapter is used for
 * `s3://` dataset locations when `kamlD.storage.adapter` names its `type`.
 *
 * @public
 */
export interface KamlDStorageExtensionPoint {
  addStorageAdapter(adapter: StorageAdapter): void;
}

/**
 * Extension point of {@link KamlDStorageExtensionPoint}.
 *
 * @public
 */
export const kamlDStorageExtensionPoint =
  createExtensionPoint<KamlDStorageExtensionPoint>({
    id: 'kaml-d.storage',
  });

/**
 * Lets backend modules add query engines to the KAML-D backend. An engine is used for the
 * datasets it `canRead`, and for all of them when `kamlD.query.defaultEngine` names its `id`.
 *
 * @public
 */
export interface KamlDQueryEngineExtensionPoint {
  addQueryEngine(engine: QueryEngine): void;
}

/**
 * Extension point of {@link KamlDQueryEngineExtensionPoint}.
 *
 * @public
 */
export const kamlDQueryEngineExtensionPoint =
  createExtensionPoint<KamlDQueryEngineExtensionPoint>({
    id: 'kaml-d.query-engine',
  });
