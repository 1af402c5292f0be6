/**
 * Node library of KAML-D: the storage adapter and query engine interfaces, the extension points
 * through which backend modules add their own, and the built-in storage adapters (local
 * directory, S3 API) with key validation and prefix summaries, so every KAML-D backend module
 * (the backend plugin, discovery providers, collators) reads object storage the same way.
 *
 * @packageDocumentation
 */

export * from './storage';
export * from './query';
export * from './extensions';
export * from './adapters';
export * from './events';
