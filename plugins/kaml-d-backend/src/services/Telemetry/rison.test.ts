import { rison, risonParam } from './rison';

describe('rison', () => {
  it('encodes objects, arrays, literals and ids as the rison grammar says', () => {
    expect(
      rison({
        time: { from: 'now-15m', to: 'now' },
        columns: ['message', '@timestamp'],
        a: true,
        b: false,
        c: null,
        n: -1.5,
        skip: undefined,
      }),
    ).toBe(
      "(time:(from:now-15m,to:now),columns:!(message,'@timestamp'),a:!t,b:!f,c:!n,n:-1.5)",
    );
    expect(rison([])).toBe('!()');
    expect(rison({})).toBe('()');
  });

  it('quotes strings that are not ids and escapes quote and bang', () => {
    expect(rison('')).toBe("''");
    expect(rison('2024-01-01T00:00:00.000Z')).toBe(
      "'2024-01-01T00:00:00.000Z'",
    );
    expect(rison('12')).toBe("'12'");
    expect(rison("it's")).toBe("'it!'s'");
    expect(rison('wow!')).toBe("'wow!!'");
    expect(rison('a b')).toBe("'a b'");
    expect(rison('k:"v" and (x)')).toBe('\'k:"v" and (x)\'');
    expect(rison("!'")).toBe("'!!!''");
  });

  it('keeps hostile text inside one quoted string', () => {
    const hostile = 'pod"\'),x:!t,(\\\n{}';
    const out = rison({ q: hostile });
    expect(out).toBe("(q:'pod\"!'),x:!!t,(\\\n{}')");
  });

  it('percent-encodes for a URL but keeps the rison punctuation', () => {
    expect(risonParam({ query: "a b&c#d'" })).toBe("(query:'a%20b%26c%23d!'')");
    expect(risonParam({ t: 'x\ny' })).toBe("(t:'x%0Ay')");
  });

  it('refuses what JSON cannot hold either', () => {
    expect(() => rison(Number.NaN)).toThrow('rison cannot encode NaN');
  });
});
