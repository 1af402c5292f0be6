import { buildLogQL, escapeRegex, logqlString } from './logql';

describe('logqlString', () => {
  it('escapes backslash, quote and control characters', () => {
    expect(logqlString('plain')).toBe('"plain"');
    expect(logqlString('a"b')).toBe('"a\\"b"');
    expect(logqlString('a\\b')).toBe('"a\\\\b"');
    expect(logqlString('a\nb\r\tc')).toBe('"a\\nb\\r\\tc"');
    expect(logqlString('bell\u0007')).toBe('"bell\\x07"');
    expect(logqlString('ünïcode ✓')).toBe('"ünïcode ✓"');
  });

  it('gives back the text when read as a JSON string (same escapes for these characters)', () => {
    const hostile = 'x"} |= "y\\" or {a=~".*"}\n';
    expect(JSON.parse(logqlString(hostile))).toBe(hostile);
  });
});

describe('escapeRegex', () => {
  it('escapes RE2 metacharacters', () => {
    expect(escapeRegex('a.b*c+d?(e)[f]{g}|h^$\\')).toBe(
      'a\\.b\\*c\\+d\\?\\(e\\)\\[f\\]\\{g\\}\\|h\\^\\$\\\\',
    );
  });
});

describe('buildLogQL', () => {
  it('selects one pod and container with a line filter', () => {
    expect(
      buildLogQL({
        namespace: 'kaml-d-training',
        pods: ['train-churn-1a2b3c4d5e-x7k2p'],
        container: 'trainer',
        text: 'epoch',
      }),
    ).toBe(
      '{namespace="kaml-d-training", pod="train-churn-1a2b3c4d5e-x7k2p", container="trainer"} |= "epoch"',
    );
  });

  it('joins pods and prefixes into one escaped alternation', () => {
    expect(
      buildLogQL({
        namespace: 'ns',
        pods: ['web-1.a'],
        podPrefixes: ['web-'],
      }),
    ).toBe('{namespace="ns", pod=~"web-1\\\\.a|web-.*"}');
  });

  it('keeps hostile values inside their literals', () => {
    const query = buildLogQL({
      namespace: 'ns"}',
      pods: ['p"\\{}\n'],
      podPrefixes: ['q'],
      text: '"} | json | line_format "{{.x}}',
    });
    expect(query).toBe(
      '{namespace="ns\\"}", pod=~"p\\"\\\\\\\\\\\\{\\\\}\\n|q.*"} |= "\\"} | json | line_format \\"{{.x}}"',
    );
    // the label matcher list closes once, at the end of the selector
    const selector = query.slice(0, query.indexOf('} |='));
    expect(
      JSON.parse(
        `[${selector.replace(/^\{namespace=/, '').replace(/, pod=~/, ',')}]`,
      ),
    ).toEqual(['ns"}', 'p"\\\\\\{\\}\n|q.*']);
  });

  it('uses configured label names and refuses names that are not labels', () => {
    expect(
      buildLogQL(
        { namespace: 'ns', container: 'c' },
        {
          namespace: 'k8s_namespace_name',
          pod: 'k8s_pod_name',
          container: 'k8s_container_name',
        },
      ),
    ).toBe('{k8s_namespace_name="ns", k8s_container_name="c"}');
    expect(() =>
      buildLogQL(
        { namespace: 'ns' },
        { namespace: 'bad-label', pod: 'pod', container: 'c' },
      ),
    ).toThrow(
      'kamlD.observation.logs.labels.namespace "bad-label" is not a Loki label name',
    );
  });
});
