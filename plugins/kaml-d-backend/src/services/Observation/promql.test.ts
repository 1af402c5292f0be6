import {
  PANEL_PRESETS,
  escapePromqlRegex,
  escapePromqlString,
  fillTemplate,
  queryPlaceholders,
  renderSelector,
} from './promql';
import { chooseStep, parseRange, rateWindowSeconds } from './range';

describe('PromQL escaping', () => {
  it.each([
    ['plain', 'fraud-detector', 'fraud-detector'],
    ['double quote', 'a"b', 'a\\"b'],
    ['backslash', 'a\\b', 'a\\\\b'],
    ['newline', 'a\nb', 'a\\nb'],
    ['carriage return and tab', 'a\r\tb', 'a\\r\\tb'],
    [
      'an attempt to close the matcher',
      'x"} or vector(1) or {a="',
      'x\\"} or vector(1) or {a=\\"',
    ],
    ['backslash before a quote', '\\"', '\\\\\\"'],
  ])('escapes %s', (_, value, expected) => {
    expect(escapePromqlString(value)).toBe(expected);
  });

  it('escapes regex metacharacters so a value only matches itself', () => {
    expect(escapePromqlRegex('a.b+c*(d)|e[f]{g}^$?\\')).toBe(
      'a\\.b\\+c\\*\\(d\\)\\|e\\[f\\]\\{g\\}\\^\\$\\?\\\\',
    );
    const source = escapePromqlRegex('v1.2');
    expect(new RegExp(`^${source}$`).test('v1.2')).toBe(true);
    expect(new RegExp(`^${source}$`).test('v1x2')).toBe(false);
  });

  it('renders a selector with every value escaped and refuses bad label names', () => {
    expect(
      renderSelector([
        { name: 'namespace', op: '=', value: 'kaml-d-models' },
        { name: 'model', op: '=', value: 'evil"\n' },
      ]),
    ).toBe('{namespace="kaml-d-models",model="evil\\"\\n"}');
    expect(() =>
      renderSelector([{ name: 'bad-name', op: '=', value: 'x' }]),
    ).toThrow(/not a valid Prometheus label name/);
  });
});

describe('query builders', () => {
  it('fills the presets with the entity selectors and the rate window', () => {
    const values = queryPlaceholders(
      { namespace: 'kaml-d-models', id: 'voice-classifier' },
      15,
    );
    expect(fillTemplate(PANEL_PRESETS.errorRatio.query, values)).toBe(
      'sum(rate(kaml_inference_requests_total{namespace="kaml-d-models",model="voice-classifier",code=~"5.."}[60s])) / sum(rate(kaml_inference_requests_total{namespace="kaml-d-models",model="voice-classifier"}[60s]))',
    );
    expect(fillTemplate(PANEL_PRESETS.cpu.query, values)).toBe(
      'sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="kaml-d-models",pod=~"voice-classifier-.*"}[60s]))',
    );
    const latency = fillTemplate(PANEL_PRESETS.latency.query, values);
    expect(latency.match(/histogram_quantile\((0\.\d+)/g)).toEqual([
      'histogram_quantile(0.5',
      'histogram_quantile(0.95',
      'histogram_quantile(0.99',
    ]);
    expect(latency).toContain('"quantile", "p99"');
  });

  it('keeps hostile ids inside their string literal, in both the plain and the regex matcher', () => {
    const values = queryPlaceholders({ id: 'm"}) or up{x=~".+' }, 15);
    expect(values.selector).toBe('{model="m\\"}) or up{x=~\\".+"}');
    expect(values.podSelector).toBe(
      '{pod=~"m\\"\\\\}\\\\) or up\\\\{x=~\\"\\\\.\\\\+-.*"}',
    );
  });

  it('names an unknown placeholder instead of leaving it in the query', () => {
    expect(() => fillTemplate('up{{labels}}', { selector: '{}' })).toThrow(
      /Unknown placeholder \{\{labels\}\}/,
    );
  });
});

describe('range and step', () => {
  it('parses ranges and refuses others', () => {
    expect(parseRange('15m')).toBe(900);
    expect(parseRange('1h')).toBe(3600);
    expect(parseRange('7d')).toBe(604800);
    for (const bad of ['1m', '8d', '1w', 'h', '-1h', '1h;drop']) {
      expect(() => parseRange(bad)).toThrow(/Invalid range/);
    }
  });

  it('chooses a round step that keeps every series at 300 points or fewer', () => {
    expect(chooseStep(900)).toBe(15);
    expect(chooseStep(3600)).toBe(15);
    expect(chooseStep(6 * 3600)).toBe(120);
    expect(chooseStep(24 * 3600)).toBe(300);
    expect(chooseStep(7 * 86400)).toBe(3600);
    for (const range of [900, 3600, 21600, 86400, 604800]) {
      expect(range / chooseStep(range)).toBeLessThanOrEqual(300);
    }
    expect(rateWindowSeconds(15)).toBe(60);
    expect(rateWindowSeconds(300)).toBe(600);
  });
});
