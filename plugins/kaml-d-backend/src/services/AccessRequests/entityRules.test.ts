import { Entity } from '@backstage/catalog-model';
import { permissionRules as catalogBackendRules } from '@backstage/plugin-catalog-backend/alpha';
import { entityRules } from './entityRules';

const entities: Entity[] = [
  {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name: 'taxi-trips',
      annotations: { 'kaml-d.io/classification': 'PII' },
      labels: { tier: 'Gold' },
      tags: ['transport', 'nyc'],
    },
    spec: {
      type: 'tabular',
      owner: 'team-a',
      schema: { columns: [{ name: 'fare', type: 'DOUBLE' }] },
      location: { type: 's3', target: 's3://bucket/taxi' },
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
  },
  {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Model',
    metadata: { name: 'fraud', namespace: 'risk' },
    spec: { framework: 'xgboost', lifecycle: 'production' },
  },
];

const cases: Array<[keyof typeof entityRules, unknown[]]> = [
  [
    'isEntityOwner',
    [
      { claims: ['group:default/team-a'] },
      { claims: ['user:default/mallory'] },
      { claims: [] },
    ],
  ],
  [
    'hasSpec',
    [
      { key: 'type' },
      { key: 'type', value: 'TABULAR' },
      { key: 'type', value: 'image' },
      { key: 'location.type', value: 's3' },
      { key: 'schema.columns.name', value: 'fare' },
      { key: 'framework' },
      { key: 'missing' },
    ],
  ],
  [
    'hasMetadata',
    [
      { key: 'name', value: 'taxi-trips' },
      { key: 'tags', value: 'nyc' },
      { key: 'namespace' },
      { key: 'namespace', value: 'default' },
      { key: 'tags.nyc' },
      { key: 'tags.NYC', value: 'true' },
      { key: 'name', value: 'other' },
    ],
  ],
  [
    'hasAnnotation',
    [
      { annotation: 'kaml-d.io/classification' },
      { annotation: 'kaml-d.io/classification', value: 'pii' },
      { annotation: 'KAML-D.IO/Classification', value: 'PII' },
      { annotation: 'kaml-d.io/classification', value: 'public' },
      { annotation: 'other' },
    ],
  ],
  [
    'hasLabel',
    [
      { label: 'tier' },
      { label: 'tier', value: 'gold' },
      { label: 'tier', value: 'silver' },
      { label: 'team' },
    ],
  ],
  [
    'isEntityKind',
    [{ kinds: ['dataset'] }, { kinds: ['MODEL', 'Component'] }, { kinds: [] }],
  ],
];

describe('entityRules', () => {
  it.each(cases)(
    '%s decides every case as the catalog backend rule of the same name does',
    (ruleKey, paramsList) => {
      const ours = entityRules[ruleKey];
      const theirs = catalogBackendRules[ruleKey];
      expect(ours.name).toBe(theirs.name);
      const decisions = [];
      for (const entity of entities) {
        for (const params of paramsList) {
          const expected = theirs.apply(entity, params as never);
          expect({
            entity: entity.metadata.name,
            params,
            allowed: ours.apply(entity, params as never),
          }).toEqual({
            entity: entity.metadata.name,
            params,
            allowed: expected,
          });
          decisions.push(expected);
        }
      }
      // the cases exercise both outcomes
      expect(decisions).toContain(true);
      expect(decisions).toContain(false);
    },
  );

  it('rejects parameters the catalog rule would reject', () => {
    expect(
      entityRules.isEntityKind.paramsSchema.safeParse({ kinds: 'dataset' })
        .success,
    ).toBe(false);
    expect(
      entityRules.hasAnnotation.paramsSchema.safeParse({ value: 'x' }).success,
    ).toBe(false);
  });
});
