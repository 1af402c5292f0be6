import kamlDPlugin from '@kaml-d/plugin-kaml-d';

/**
 * The KAML-D plugins installed in this app. Kept in one module so that a Backstage app without
 * KAML-D (the bundle-size benchmark's baseline) differs from this one by this file only.
 */
export const kamlDFeatures = [kamlDPlugin];
