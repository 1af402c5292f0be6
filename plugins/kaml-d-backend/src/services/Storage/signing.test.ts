import { TestDatabases } from '@backstage/backend-test-utils';
import { SignJWT } from 'jose';
import { applyDatabaseMigrations } from '../../database/migrations';
import { createLinkSigner, loadSigningSecret, SignedObject } from './signing';

const secret = Buffer.from('a-test-secret-of-enough-length-32b');
const object: SignedObject = {
  adapter: 'file',
  bucket: 'kaml-datasets',
  key: 'finance-transactions/transactions-2024-q1.csv',
  expires: 2_000_000_000,
};

describe('download link signing', () => {
  const signer = createLinkSigner(async () => secret);

  it('verifies the links it signs until their expiry second, then refuses them', async () => {
    const token = await signer.sign(object);
    await expect(signer.verify(token, object.expires - 60)).resolves.toEqual(
      object,
    );
    await expect(signer.verify(token, object.expires)).resolves.toEqual(object);
    await expect(signer.verify(token, object.expires + 1)).rejects.toThrow(
      'This download link has expired; ask for a new one.',
    );
  });

  it('refuses a link whose object was changed, or that another secret signed', async () => {
    const token = await signer.sign(object);
    const [header, , signature] = token.split('.');
    const otherKey = Buffer.from(
      JSON.stringify({ a: 'file', b: 'kaml-datasets', k: 'secret/pii.csv' }),
    ).toString('base64url');
    await expect(
      signer.verify(`${header}.${otherKey}.${signature}`, 0),
    ).rejects.toThrow('This download link is not valid; ask for a new one.');

    const foreign = await createLinkSigner(async () =>
      Buffer.from('another-secret-of-enough-length-32'),
    ).sign(object);
    await expect(signer.verify(foreign, 0)).rejects.toThrow(
      'This download link is not valid; ask for a new one.',
    );
  });

  it('refuses unsigned links (alg none) and links without an expiry', async () => {
    const unsigned = `${Buffer.from('{"alg":"none"}').toString(
      'base64url',
    )}.${Buffer.from(
      JSON.stringify({ ...object, a: object.adapter, exp: object.expires }),
    ).toString('base64url')}.`;
    await expect(signer.verify(unsigned, 0)).rejects.toThrow(
      /not valid|malformed/,
    );

    const forever = await new SignJWT({ a: 'file', b: 'x', k: 'y' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(secret);
    await expect(signer.verify(forever, 0)).rejects.toThrow(
      'This download link is malformed; ask for a new one.',
    );
  });

  it('says a garbled link is malformed', async () => {
    for (const token of ['', 'abc', 'a.b', 'a.b.c.d', '!!!.???.###']) {
      await expect(signer.verify(token, 0)).rejects.toThrow(
        'This download link is malformed; ask for a new one.',
      );
    }
  });
});

describe('the signing secret', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('lives in a table the migrations create, one secret shared by every replica', async () => {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    const [first, second] = await Promise.all([
      loadSigningSecret(knex),
      loadSigningSecret(knex),
    ]);
    expect(first.length).toBe(32);
    expect(second.equals(first)).toBe(true);
    // a link signed by one replica verifies on another
    const token = await createLinkSigner(async () => first).sign(object);
    await expect(
      createLinkSigner(async () => loadSigningSecret(knex)).verify(token, 0),
    ).resolves.toEqual(object);
  });
});
