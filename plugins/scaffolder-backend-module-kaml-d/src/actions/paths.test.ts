import { resolve } from 'node:path';
import { isPathInside } from './paths';

describe('isPathInside', () => {
  const base = resolve('/work/task');

  it('accepts the base and what lies below it, dot-dot-named folders included', () => {
    expect(isPathInside(base, base)).toBe(true);
    expect(isPathInside(base, resolve(base, 'data/train.csv'))).toBe(true);
    expect(isPathInside(base, resolve(base, '..data/x'))).toBe(true);
  });

  it('refuses what climbs out or lies beside it', () => {
    expect(isPathInside(base, resolve(base, '..'))).toBe(false);
    expect(isPathInside(base, resolve(base, '../other/x'))).toBe(false);
    expect(isPathInside(base, resolve('/work/task-other/x'))).toBe(false);
    expect(isPathInside(base, resolve('/etc/passwd'))).toBe(false);
  });
});
