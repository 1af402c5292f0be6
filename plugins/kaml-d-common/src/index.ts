/**
 * Shared code of the KAML-D plugins: kinds, schemas, validators, annotations, permissions and
 * the types of the KAML-D HTTP API and the client of the KAML-D backend.
 *
 * @packageDocumentation
 */

export * from './kinds';
export * from './annotations';
export * from './permissions';
export * from './api';
export * from './observationApi';
export * from './versioning';
export * from './modelVersions';
export * from './audit';
export * from './access';
export * from './conditions';
export * from './trainJob';
export * from './projectNamespaces';
export * from './notebooks';
export * from './mediaFacts';
export * from './volumes';
export * from './kubernetesNames';
export * from './partialFailures';
export * from './runs';
export * from './datasetRegistration';
export * from './client';
