import { ColumnClassification } from '@kaml-d/plugin-kaml-d-common';
import Chip from '@material-ui/core/Chip';

const RESTRICTED: ColumnClassification[] = ['pii', 'sensitive', 'confidential'];

const TITLES: Record<ColumnClassification, string> = {
  public: 'Public',
  internal: 'Internal',
  confidential: 'Confidential',
  sensitive: 'Sensitive',
  pii: 'PII',
};

/**
 * A badge for the classification of a column. Restricted classes (PII, sensitive,
 * confidential) stand out in the theme's secondary colour.
 */
export function ClassificationBadge(props: {
  classification: ColumnClassification;
}) {
  const { classification } = props;
  const restricted = RESTRICTED.includes(classification);
  return (
    <Chip
      size="small"
      label={TITLES[classification] ?? classification}
      color={restricted ? 'secondary' : 'default'}
      variant={restricted ? 'default' : 'outlined'}
      aria-label={`classification: ${classification}`}
    />
  );
}
