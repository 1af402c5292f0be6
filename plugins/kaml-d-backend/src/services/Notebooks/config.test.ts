import { ConfigReader } from '@backstage/config';
import { readNotebooksConfig } from './config';

describe('readNotebooksConfig', () => {
  it('is off without a hub URL', () => {
    expect(readNotebooksConfig(new ConfigReader({}))).toBeUndefined();
  });

  it('reads the hub and fills in the defaults', () => {
    expect(
      readNotebooksConfig(
        new ConfigReader({
          kamlD: {
            notebooks: {
              jupyterhub: { url: 'http://hub:8000/', token: 'secret' },
            },
          },
        }),
      ),
    ).toEqual({
      hubUrl: 'http://hub:8000',
      publicUrl: 'http://hub:8000',
      token: 'secret',
      startTimeoutSeconds: 180,
      linkTtlSeconds: 900,
      folder: 'kaml-d',
    });
  });

  it('names the key of a bad value', () => {
    const read =
      (notebooks: object, storage: object = {}) =>
      () =>
        readNotebooksConfig(
          new ConfigReader({ kamlD: { notebooks, storage } }),
        );
    const hub = { url: 'http://hub', token: 't' };
    expect(read({ jupyterhub: { url: 'ftp://hub', token: 't' } })).toThrow(
      'kamlD.notebooks.jupyterhub.url must be an http(s) URL',
    );
    expect(read({ jupyterhub: hub }, { downloadLinkTtlSeconds: 0 })).toThrow(
      'kamlD.storage.downloadLinkTtlSeconds must be a whole number of seconds from 1 to 604800',
    );
    expect(read({ jupyterhub: { url: 'http://hub' } })).toThrow(/token/);
  });
});
