import { firstDifference } from './db-types.codegen';

describe('firstDifference', () => {
  it('is undefined for identical text', () => {
    expect(firstDifference('a\nb\n', 'a\nb\n')).toBeUndefined();
  });

  it('points at the first differing line, including a missing trailing line', () => {
    expect(firstDifference('a\nb\nc', 'a\nx\nc')).toBe(2);
    expect(firstDifference('a\nb\n', 'a\nb')).toBe(3);
  });
});
