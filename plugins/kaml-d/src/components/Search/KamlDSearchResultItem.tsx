import { Link } from '@backstage/core-components';
import { SearchResult } from '@backstage/plugin-search-common';
import Chip from '@material-ui/core/Chip';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import { makeStyles } from '@material-ui/core/styles';
import { KAML_D_RESULT_TYPES, hitSnippet } from './searchHit';

const useStyles = makeStyles(theme => ({
  chip: { marginLeft: theme.spacing(1) },
}));

/**
 * One search hit: the title linking to the entity, its type (Dataset, Model, Catalog) and the
 * snippet of {@link hitSnippet}.
 */
export function KamlDSearchResultItem(props: {
  result?: SearchResult['document'];
  type?: string;
  highlight?: SearchResult['highlight'];
  typeLabel?: string;
}) {
  const classes = useStyles();
  const { result, type = '', highlight } = props;
  if (!result) return null;
  const label = props.typeLabel ?? KAML_D_RESULT_TYPES[type] ?? type;
  return (
    <ListItem disableGutters divider>
      <ListItemText
        primary={
          <>
            <Link to={result.location}>{result.title}</Link>
            {label ? (
              <Chip
                size="small"
                variant="outlined"
                className={classes.chip}
                label={label}
              />
            ) : null}
          </>
        }
        secondary={hitSnippet({ type, highlight, document: result })}
      />
    </ListItem>
  );
}
