import { Config } from '@backstage/config';
import {
  FileStorageAdapter,
  readStorageConfig,
  S3StorageAdapter,
  StorageAdapter,
} from '@kaml-d/plugin-kaml-d-node';

/** The adapter for a bucket: the given one, or one built from `kamlD.storage`. */
export function storageAdapterFactory(
  config: Config,
  given: StorageAdapter | undefined,
): (bucket: string) => StorageAdapter {
  if (given) return () => given;
  const storage = readStorageConfig(config);
  if (storage.adapter === 'file') {
    const adapter = new FileStorageAdapter(storage.file.root);
    return () => adapter;
  }
  if (storage.adapter === 's3' && storage.s3) {
    const s3 = storage.s3;
    return bucket => new S3StorageAdapter(s3, bucket);
  }
  throw new Error(
    `catalog.providers.kamlD.objectStore reads the store of kamlD.storage, whose adapter "${storage.adapter}" it cannot build; use "file" or "s3"`,
  );
}
