import { isDnsLabel, isKubernetesName, isLabelValue } from './kubernetesNames';

describe('Kubernetes name rules', () => {
  it('accepts DNS labels and refuses what could alter a selector or a path', () => {
    expect(isDnsLabel('kaml-d-training')).toBe(true);
    expect(isDnsLabel('a'.repeat(63))).toBe(true);
    for (const bad of [
      '',
      'a'.repeat(64),
      '-x',
      'x-',
      'Upper',
      'a.b',
      'a,b',
      'a=b',
      'a/b',
      'a b',
      'x\n',
    ]) {
      expect(isDnsLabel(bad)).toBe(false);
    }
  });

  it('accepts object names with dots up to 253 characters', () => {
    expect(isKubernetesName('torch-distributed')).toBe(true);
    expect(isKubernetesName('csi.kaml-d.local')).toBe(true);
    expect(isKubernetesName(`${'a'.repeat(63)}.${'b'.repeat(63)}`)).toBe(true);
    expect(isKubernetesName('a'.repeat(254))).toBe(false);
    expect(isKubernetesName('a..b')).toBe(false);
    expect(isKubernetesName('.a')).toBe(false);
    expect(isKubernetesName('a,b=c')).toBe(false);
  });

  it('accepts label values, empty included, and refuses selector syntax', () => {
    expect(isLabelValue('')).toBe(true);
    expect(isLabelValue('Fraud_Detector.v2')).toBe(true);
    for (const bad of ['a,b', 'a=b', 'a!', 'x)', 'a b', '_x', 'a'.repeat(64)]) {
      expect(isLabelValue(bad)).toBe(false);
    }
  });
});
