/**
 * Node library of KAML-D: the storage adapter and query engine interfaces, and the extension
 * points through which backend modules add their own.
 *
 * @packageDocumentation
 */

export * from './storage';
export * from './query';
export * from './extensions';
