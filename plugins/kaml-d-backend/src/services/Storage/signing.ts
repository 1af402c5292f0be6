import { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { NotAllowedError } from '@backstage/errors';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';

/** Table holding the secret that signs download links, shared by every replica (a migration creates it). */
export const SIGNING_SECRET_TABLE = 'kaml_d_storage_secrets';
const SIGNING_SECRET_NAME = 'download-links';
/** The one algorithm a link may be signed with (a token naming another is refused). */
const ALGORITHM = 'HS256';

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
 * Reads the signing secret from the plugin database (table created by the plugin's migrations),
 * writing a random one first if there is none; every replica reads the same row, so a link
 * signed by one is accepted by all.
 */
export async function loadSigningSecret(db: Knex): Promise<Buffer> {
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

const malformed = () =>
  new NotAllowedError('This download link is malformed; ask for a new one.');

/**
 * Creates a signer over a secret that is loaded on first use. Links are compact JWTs (jose,
 * HS256) whose claims name the adapter, bucket and key, expiring at `exp`.
 */
export function createLinkSigner(secret: () => Promise<Buffer>): LinkSigner {
  let cached: Promise<Buffer> | undefined;
  const key = () => {
    cached ??= secret().catch(error => {
      cached = undefined;
      throw error;
    });
    return cached;
  };

  return {
    async sign(object) {
      return new SignJWT({ a: object.adapter, b: object.bucket, k: object.key })
        .setProtectedHeader({ alg: ALGORITHM })
        .setExpirationTime(object.expires)
        .sign(await key());
    },
    async verify(token, nowSeconds = Math.floor(Date.now() / 1000)) {
      if (token.split('.').length !== 3) throw malformed();
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, await key(), {
          algorithms: [ALGORITHM],
          currentDate: new Date(nowSeconds * 1000),
          // jose treats exp <= now as expired; a link stays valid through its expiry second
          clockTolerance: 1,
          requiredClaims: ['exp'],
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) {
          throw new NotAllowedError(
            'This download link has expired; ask for a new one.',
          );
        }
        if (
          error instanceof joseErrors.JWSSignatureVerificationFailed ||
          error instanceof joseErrors.JOSEAlgNotAllowed
        ) {
          throw new NotAllowedError(
            'This download link is not valid; ask for a new one.',
          );
        }
        throw malformed();
      }
      const { a, b, k, exp } = payload;
      if (
        typeof a !== 'string' ||
        typeof b !== 'string' ||
        typeof k !== 'string' ||
        typeof exp !== 'number'
      ) {
        throw malformed();
      }
      return { adapter: a, bucket: b, key: k, expires: exp };
    },
  };
}
