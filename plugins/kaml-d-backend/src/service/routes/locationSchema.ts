import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import Router from 'express-promise-router';
import { z } from 'zod';
import { SchemaReader } from '../../services/Datasets';
import { parseInput } from './validation';

/** Path of the route the catalog reads the schemas of Dataset locations from. */
export const LOCATION_SCHEMA_PATH = '/internal/location-schema';

const body = z.object({
  location: z.string().min(1).max(2048),
  format: z.string().min(1).max(32),
});

/**
 * The schema of a storage location, read by the query engine: the catalog's Dataset processor
 * asks for it when a Dataset declares no columns (discovered folders, manifests without a
 * schema), so the catalog holds the columns the Schema tab shows. The catalog's own service
 * token only: users read a dataset's schema through its permission-checked dataset route.
 */
export function locationSchemaRoutes(options: {
  httpAuth: HttpAuthService;
  schemas: SchemaReader;
}) {
  const { httpAuth, schemas } = options;
  const router = Router();

  router.post(LOCATION_SCHEMA_PATH, async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    if (credentials.principal.subject !== 'plugin:catalog') {
      throw new NotAllowedError(
        `Only the catalog reads schemas of storage locations; read a dataset's schema at /datasets/<namespace>/<name>/schema instead.`,
      );
    }
    const input = parseInput(body, req.body, 'request body');
    res.json(await schemas.readLocation(input.location, input.format));
  });

  return router;
}
