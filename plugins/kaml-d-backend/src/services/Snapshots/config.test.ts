import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_SNAPSHOT_COPY_CONCURRENCY,
  readSnapshotsConfig,
} from './config';

describe('readSnapshotsConfig', () => {
  it('defaults the copy concurrency when kamlD.snapshots is absent', () => {
    expect(readSnapshotsConfig(new ConfigReader({}))).toEqual({
      copyConcurrency: DEFAULT_SNAPSHOT_COPY_CONCURRENCY,
    });
    expect(
      readSnapshotsConfig(new ConfigReader({ kamlD: { snapshots: {} } })),
    ).toEqual({ copyConcurrency: DEFAULT_SNAPSHOT_COPY_CONCURRENCY });
  });

  it('reads kamlD.snapshots.copyConcurrency', () => {
    expect(
      readSnapshotsConfig(
        new ConfigReader({ kamlD: { snapshots: { copyConcurrency: 8 } } }),
      ),
    ).toEqual({ copyConcurrency: 8 });
  });

  it.each([0, -4, 2.5, 5000])(
    'refuses copyConcurrency %p with a sentence naming the key',
    value => {
      expect(() =>
        readSnapshotsConfig(
          new ConfigReader({
            kamlD: { snapshots: { copyConcurrency: value } },
          }),
        ),
      ).toThrow(
        `kamlD.snapshots.copyConcurrency must be a whole number from 1 to 1024, got ${value}`,
      );
    },
  );

  it('refuses a value that is not a number', () => {
    expect(() =>
      readSnapshotsConfig(
        new ConfigReader({
          kamlD: { snapshots: { copyConcurrency: 'many' } },
        }),
      ),
    ).toThrow(/kamlD\.snapshots\.copyConcurrency/);
  });
});
