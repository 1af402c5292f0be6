import { DatasetFormatFilter, ModelFrameworkFilter } from './filters';
import {
  customerChurn,
  fingerprintImages,
  fraudDetector,
} from '../__fixtures__/entities';

describe('KAML-D catalog list filters', () => {
  it('filter datasets by format, in the backend query and in the browser', () => {
    const filter = new DatasetFormatFilter(['csv', 'parquet']);
    expect(filter.getCatalogFilters()).toEqual({
      'spec.format': ['csv', 'parquet'],
    });
    expect(filter.filterEntity(customerChurn)).toBe(true);
    expect(filter.filterEntity(fingerprintImages)).toBe(false);
    expect(filter.filterEntity(fraudDetector)).toBe(false);
    expect(filter.toQueryValue()).toEqual(['csv', 'parquet']);
  });

  it('filter models by framework', () => {
    const filter = new ModelFrameworkFilter(['sklearn']);
    expect(filter.getCatalogFilters()).toEqual({
      'spec.framework': ['sklearn'],
    });
    expect(filter.filterEntity(fraudDetector)).toBe(true);
    expect(filter.filterEntity(customerChurn)).toBe(false);
    expect(
      new ModelFrameworkFilter(['pytorch']).filterEntity(fraudDetector),
    ).toBe(false);
  });
});
