import { Knex } from 'knex';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { NotAllowedError } from '@backstage/errors';

/** Table holding the secret that signs download links, shared by every replica. */
export const SIGNING_SECRET_TABLE = 'kaml_d_storage_secrets';
const SIGNING_SECRET_NAME = 'download-links';

/** What a download link grants: one object, until a time. */
export interface SignedObject {
  /** Type of the adapter that holds the object. */
  adapter: string;
  bucket: string;
  key: string;
  /** Expiry, seconds since the epoch. */
  expires: number;
}

/** Signs and verifies download links of stores that cannot presign URLs themselves. */
export interface LinkSigner {
  sign(object: SignedObject): Promise<string>;
  verify(token: string, nowSeconds?: number): Promise<SignedObject>;
}

/**
 * Reads the signing secret from the plugin database, creating it once; every replica reads the
 * same row, so a link signed by one is accepted by all.
 */
export async function loadSigningSecret(db: Knex): Promise<Buffer> {
  if (!(await db.schema.hasTable(SIGNING_SECRET_TABLE))) {
    try {
      await db.schema.createTable(SIGNING_SECRET_TABLE, table => {
        table.string('name').primary();
        table.text('value').notNullable();
      });
    } catch (error) {
      // another replica created it first
      if (!(await db.schema.hasTable(SIGNING_SECRET_TABLE))) throw error;
    }
  }
  await db(SIGNING_SECRET_TABLE)
    .insert({
      name: SIGNING_SECRET_NAME,
      value: randomBytes(32).toString('base64'),
    })
    .onConflict('name')
    .ignore();
  const row = await db(SIGNING_SECRET_TABLE)
    .where({ name: SIGNING_SECRET_NAME })
    .first();
  return Buffer.from(String(row.value), 'base64');
}

/** Creates a signer over a secret that is loaded on first use. */
export function createLinkSigner(secret: () => Promise<Buffer>): LinkSigner {
  let cached: Promise<Buffer> | undefined;
  const key = () => {
    cached ??= secret().catch(error => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
  const mac = async (payload: string) =>
    createHmac('sha256', await key())
      .update(payload)
      .digest('base64url');

  return {
    async sign(object) {
      const payload = Buffer.from(
        JSON.stringify({
          a: object.adapter,
          b: object.bucket,
          k: object.key,
          e: object.expires,
        }),
      ).toString('base64url');
      return `${payload}.${await mac(payload)}`;
    },
    async verify(token, nowSeconds = Math.floor(Date.now() / 1000)) {
      const [payload, signature, extra] = token.split('.');
      if (!payload || !signature || extra !== undefined) {
        throw new NotAllowedError(
          'This download link is malformed; ask for a new one.',
        );
      }
      const expected = Buffer.from(await mac(payload));
      const given = Buffer.from(signature);
      if (
        expected.length !== given.length ||
        !timingSafeEqual(expected, given)
      ) {
        throw new NotAllowedError(
          'This download link is not valid; ask for a new one.',
        );
      }
      const data: unknown = JSON.parse(
        Buffer.from(payload, 'base64url').toString('utf8'),
      );
      if (
        typeof data !== 'object' ||
        data === null ||
        !('a' in data && 'b' in data && 'k' in data && 'e' in data) ||
        typeof data.a !== 'string' ||
        typeof data.b !== 'string' ||
        typeof data.k !== 'string' ||
        typeof data.e !== 'number'
      ) {
        throw new NotAllowedError(
          'This download link is malformed; ask for a new one.',
        );
      }
      if (data.e < nowSeconds) {
        throw new NotAllowedError(
          'This download link has expired; ask for a new one.',
        );
      }
      return { adapter: data.a, bucket: data.b, key: data.k, expires: data.e };
    },
  };
}
