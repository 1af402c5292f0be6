/*
 * The KAML-D portal backend: Backstage core plugins plus the KAML-D plugins and modules.
 */
import { createBackend } from '@backstage/backend-defaults';
import { localProjectsUrlReaderServiceFactory } from '@kaml-d/plugin-scaffolder-backend-module-kaml-d';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// identity: guest in development (app-config.yaml), OIDC when configured (production), GitHub
// when auth.providers.github is configured (docs/identity.md)
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));
backend.add(import('./modules/githubAuth'));

// permissions: KAML-D's own policy (no allow-all)
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@kaml-d/plugin-permission-backend-module-kaml-d'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// users and groups from a directory (catalog.providers.ldapOrg, as the rig does) or a GitHub
// organisation (catalog.providers.githubOrg); each does nothing while unconfigured
backend.add(import('@backstage/plugin-catalog-backend-module-ldap'));
backend.add(import('@backstage/plugin-catalog-backend-module-github-org'));
// lists entities that failed processing (a broken Dataset file shows its error in the portal)
backend.add(import('@backstage/plugin-catalog-backend-module-unprocessed'));
// KAML-D kinds: Dataset and Model, with ML lineage relations
backend.add(import('@kaml-d/plugin-catalog-backend-module-kaml-d'));

// scaffolder
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@kaml-d/plugin-scaffolder-backend-module-kaml-d'));
// file: locations inside kamlD.localProjects.root (projects published by kaml-d:publish:local)
// become readable, so catalog:register can register them; nothing outside that folder
backend.add(localProjectsUrlReaderServiceFactory);

// search: Lunr (built in) unless a search engine module below finds its configuration
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('./modules/searchEngine'));
backend.add(import('@backstage/plugin-search-backend-module-elasticsearch'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@kaml-d/plugin-search-backend-module-kaml-d'));

// kubernetes
backend.add(import('@backstage/plugin-kubernetes-backend'));

// user settings, notifications and signals
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// KAML-D
backend.add(import('@kaml-d/plugin-kaml-d-backend'));

// AI assistants: the actions of backend.actions.pluginSources as MCP tools at
// /api/mcp-actions/v1, each run with the calling user's permissions
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
