/**
 * The KAML-D backend plugin.
 *
 * @packageDocumentation
 */

export { kamlDPlugin as default } from './plugin';
export type { DependencyProbe, HealthService } from './services/HealthService';
