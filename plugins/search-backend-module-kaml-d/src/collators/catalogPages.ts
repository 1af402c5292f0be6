import { AuthService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * Every catalog entity of `kind`, page after page (cursor-based), read with the plugin's own
 * service credentials (fetched per page, so a long collation never outlives its token).
 */
export async function* catalogEntitiesOfKind(options: {
  catalog: CatalogService;
  auth: AuthService;
  kind: string;
  limit: number;
}): AsyncGenerator<Entity> {
  const { catalog, auth, kind, limit } = options;
  let cursor: string | undefined;
  do {
    const credentials = await auth.getOwnServiceCredentials();
    const page = await catalog.queryEntities(
      cursor ? { cursor, limit } : { filter: { kind }, limit },
      { credentials },
    );
    yield* page.items;
    cursor = page.pageInfo.nextCursor;
  } while (cursor);
}
