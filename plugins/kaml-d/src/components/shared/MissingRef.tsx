import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';

/** An entity reference whose target is not in the catalog: shown, not linked. */
export function MissingRef(props: { entityRef: string }) {
  return (
    <span>
      <Typography component="span" variant="body2">
        <code>{props.entityRef}</code>
      </Typography>{' '}
      <Chip size="small" variant="outlined" label="Missing from the catalog" />
    </span>
  );
}
