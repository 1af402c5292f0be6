import { ConfigReader } from '@backstage/config';
import { readVolumesConfig } from './config';

describe('readVolumesConfig', () => {
  it('defaults the cluster name and leaves the class to the cluster', () => {
    expect(readVolumesConfig(new ConfigReader({}))).toMatchObject({
      cluster: 'kaml-d',
      snapshotClass: undefined,
      orphans: 'report',
    });
    expect(
      readVolumesConfig(
        new ConfigReader({ kamlD: { volumes: { orphans: 'delete' } } }),
      ).orphans,
    ).toBe('delete');
  });

  it('names the key of a bad value', () => {
    expect(() =>
      readVolumesConfig(
        new ConfigReader({ kamlD: { volumes: { cluster: 'Prod_1' } } }),
      ),
    ).toThrow(/kamlD.volumes.cluster must be lowercase/);
    expect(() =>
      readVolumesConfig(
        new ConfigReader({ kamlD: { volumes: { snapshotClass: 'a b' } } }),
      ),
    ).toThrow(/kamlD.volumes.snapshotClass must be a VolumeSnapshotClass name/);
    expect(() =>
      readVolumesConfig(
        new ConfigReader({ kamlD: { volumes: { orphans: 'purge' } } }),
      ),
    ).toThrow(/kamlD.volumes.orphans must be report .* or delete/);
  });
});
