import { parsePvcLocation, pvcLocation } from './volumes';

describe('parsePvcLocation', () => {
  it('reads cluster, namespace and claim', () => {
    expect(parsePvcLocation('pvc://kaml-d/kaml-d-training/traffic')).toEqual({
      cluster: 'kaml-d',
      namespace: 'kaml-d-training',
      name: 'traffic',
    });
    expect(pvcLocation({ cluster: 'a', namespace: 'b', name: 'c.d' })).toBe(
      'pvc://a/b/c.d',
    );
  });

  it('leaves other schemes alone', () => {
    expect(parsePvcLocation('s3://bucket/prefix/')).toBeUndefined();
  });

  it('says which part is wrong', () => {
    expect(() => parsePvcLocation('pvc://kaml-d/ns')).toThrow(/three parts/);
    expect(() => parsePvcLocation('pvc://Kaml/ns/claim')).toThrow(/cluster/);
    expect(() => parsePvcLocation('pvc://c/NS_1/claim')).toThrow(/namespace/);
    expect(() => parsePvcLocation('pvc://c/ns/a,b=c')).toThrow(/claim/);
  });
});
