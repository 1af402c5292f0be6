import kamlDPlugin from '@kaml-d/plugin-kaml-d';
import { catalogGraphModule } from './modules/catalogGraph';

/**
 * The KAML-D plugins installed in this app. Kept in one module so that a Backstage app without
 * KAML-D (the bundle-size benchmark's baseline) differs from this one by this file only. The
 * catalog graph module names KAML-D's relations in words on the graph's edges.
 */
export const kamlDFeatures = [kamlDPlugin, catalogGraphModule];
