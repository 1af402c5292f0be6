import {
  hiddenFolderOf,
  isHiddenDatasetFolder,
  keyUnderPrefix,
  normaliseRelativeKey,
  validateBucketName,
} from './keys';

describe('object keys', () => {
  it.each([
    ['q1.csv', 'q1.csv'],
    ['2024/q1.csv', '2024/q1.csv'],
    ['./2024//q1.csv', '2024/q1.csv'],
    ['images/', 'images/'],
    ['naïve données.csv', 'naïve données.csv'],
  ])('keeps %j as %j', (input, expected) => {
    expect(normaliseRelativeKey(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['../secret.csv', '".."'],
    ['a/../../b', '".."'],
    ['a/..', '".."'],
    ['/etc/passwd', 'absolute'],
    ['a\\..\\b', 'backslash'],
    ['a\u0000b', 'control character'],
    ['line\nbreak', 'control character'],
    ['s3://other/x', 'URL'],
    ['file:///etc/passwd', 'URL'],
    ['.', 'names no file'],
    ['x'.repeat(1100), 'longer than 1024 bytes'],
  ])('rejects %j, saying %s', (input, message) => {
    expect(() => normaliseRelativeKey(input)).toThrow(message);
  });

  it('keeps every joined key inside the dataset prefix', () => {
    expect(keyUnderPrefix('sales/', 'q1.csv')).toBe('sales/q1.csv');
    expect(keyUnderPrefix('sales', '2024/q1.csv')).toBe('sales/2024/q1.csv');
    expect(() => keyUnderPrefix('sales/', '../readings/x.parquet')).toThrow(
      /InputError|\.\./,
    );
  });

  it('accepts S3 bucket names and refuses others', () => {
    expect(validateBucketName('kaml-datasets')).toBe('kaml-datasets');
    for (const bad of [
      'Kaml',
      'ab',
      'a..b',
      '-kaml',
      'kaml_datasets',
      '../x',
    ]) {
      expect(() => validateBucketName(bad)).toThrow('not a valid bucket name');
    }
  });

  it('names dot-folders (the snapshot store, partial uploads) hidden from datasets', () => {
    for (const hidden of ['.kaml-d-snapshots', '.kaml-d-snapshots/', '.kaml-partial-1a', '.git']) {
      expect(isHiddenDatasetFolder(hidden)).toBe(true);
    }
    for (const shown of ['sales', 'sales.v2', '_staging', 'x.']) {
      expect(isHiddenDatasetFolder(shown)).toBe(false);
    }
    expect(hiddenFolderOf('.kaml-d-snapshots/blobs/')).toBe('.kaml-d-snapshots');
    expect(hiddenFolderOf('sales/.staging/2024/')).toBe('.staging');
    expect(hiddenFolderOf('sales/2024/')).toBeUndefined();
    expect(hiddenFolderOf('')).toBeUndefined();
  });
});
