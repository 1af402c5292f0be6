import { quoteIdent, quoteLiteral, quoteQualified } from './sql';

describe('SQL quoting', () => {
  it('keeps hostile names inside their quotes', () => {
    expect(quoteIdent('weather')).toBe('"weather"');
    expect(quoteIdent('a"; DROP TABLE t; --')).toBe('"a""; DROP TABLE t; --"');
    expect(quoteQualified(['hive', 'kaml', 'x"y'])).toBe(
      '"hive"."kaml"."x""y"',
    );
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral("'); DELETE FROM t; --")).toBe(
      "'''); DELETE FROM t; --'",
    );
  });

  it('refuses NUL, which no engine takes in a name or literal', () => {
    expect(() => quoteIdent('a\u0000b')).toThrow('identifier contains NUL');
    expect(() => quoteLiteral('a\u0000b')).toThrow('literal contains NUL');
  });
});
