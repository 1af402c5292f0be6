import '@testing-library/jest-dom';
import { render, screen } from '@testing-library/react';
import catalogGraphPlugin from '@backstage/plugin-catalog-graph/alpha';
import { graphPage, relationsCard, renderLabel } from '.';
import { edgeLabel, relationLabel } from './relationLabels';

describe('catalog graph edge labels', () => {
  it("names KAML-D's relations and the catalog's in words", () => {
    expect(relationLabel('trainedOn')).toBe('trained on');
    expect(relationLabel('trainingDataOf')).toBe('training data of');
    expect(relationLabel('servedBy')).toBe('served by');
    expect(relationLabel('serves')).toBe('serves');
    expect(relationLabel('dependsOn')).toBe('depends on');
    expect(relationLabel('evaluatedWith')).toBe('evaluated with');
    expect(edgeLabel(['trainingDataOf', 'trainedOn'])).toBe(
      'training data of / trained on',
    );
  });

  it('draws the label of a merged edge in words', () => {
    render(
      <svg>{renderLabel({ edge: { relations: ['servedBy', 'serves'] } })}</svg>,
    );
    expect(screen.getByText('served by / serves')).toBeInTheDocument();
  });

  it("replaces the catalog graph's own card and page (same kinds and names)", () => {
    expect(String(relationsCard)).toBe(
      String(
        catalogGraphPlugin.getExtension('entity-card:catalog-graph/relations'),
      ),
    );
    expect(String(relationsCard)).toMatch(/kind=entity-card.*name=relations/);
    expect(String(graphPage)).toBe(
      String(catalogGraphPlugin.getExtension('page:catalog-graph')),
    );
  });
});
