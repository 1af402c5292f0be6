import { responseError } from '../__fixtures__/kamlDApi';
import { deniedPermission, entityTabPath } from './permissions';

describe('versioning helpers', () => {
  it('reads the permission from a 403 and ignores other errors', async () => {
    expect(
      deniedPermission(
        await responseError(
          403,
          'NotAllowedError',
          'needs kaml-d.model.version.promote',
        ),
      ),
    ).toBe('kaml-d.model.version.promote');
    expect(
      deniedPermission(await responseError(400, 'InputError', 'kaml-d.x')),
    ).toBeUndefined();
    expect(entityTabPath('dataset:team-a/sales', 'versions')).toBe(
      '/catalog/team-a/dataset/sales/versions',
    );
  });
});
