import { buildLink } from './links';

describe('buildLink', () => {
  const values = {
    id: 'voice-classifier',
    namespace: 'kaml-d-models',
    name: 'voice classifier',
    kind: 'model',
  };

  it('fills the placeholders URL-encoded', () => {
    expect(
      buildLink(
        'https://grafana.example.com/d/m?var-model={{id}}&var-ns={{ namespace }}&q={{name}}',
        values,
      ),
    ).toBe(
      'https://grafana.example.com/d/m?var-model=voice-classifier&var-ns=kaml-d-models&q=voice%20classifier',
    );
    expect(
      buildLink('https://logs.example.com/?q={{name}}', {
        ...values,
        name: 'a&b=c#d',
      }),
    ).toBe('https://logs.example.com/?q=a%26b%3Dc%23d');
  });

  it('leaves out a template naming an unknown placeholder', () => {
    expect(buildLink('https://x.example.com/{{pod}}', values)).toBeUndefined();
  });
});
