import { makeStyles } from '@material-ui/core/styles';

/** Styles shared by the parts of the Versions tabs. */
export const useVersionsStyles = makeStyles(theme => ({
  section: { padding: theme.spacing(2), marginBottom: theme.spacing(2) },
  chip: { marginRight: theme.spacing(0.5) },
  row: {
    display: 'flex',
    gap: theme.spacing(2),
    alignItems: 'center',
    flexWrap: 'wrap',
  },
  selected: { backgroundColor: theme.palette.action.selected },
  digest: { fontFamily: 'monospace' },
}));
