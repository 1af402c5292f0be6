import { ModelVersion } from '@kaml-d/plugin-kaml-d-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import { useVersionsStyles } from './versionsStyles';

/** Alias names the server accepts: DNS-label-like. */
const ALIAS = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The aliases offered with one click; any other can be typed. */
const SUGGESTED_ALIASES = ['champion', 'challenger'];

/**
 * Confirms moving an alias to `version`: the alias to move (suggested or typed), where it points
 * now, and Promote only when the alias is a name the server accepts. Closed without a version.
 */
export function PromoteAliasDialog(props: {
  version?: ModelVersion;
  /** Where each alias points now. */
  aliases: Record<string, number>;
  alias: string;
  onAliasChange: (alias: string) => void;
  onCancel: () => void;
  onPromote: (version: ModelVersion) => void;
}) {
  const { version, aliases, alias, onAliasChange, onCancel, onPromote } = props;
  const classes = useVersionsStyles();
  return (
    <Dialog open={!!version} onClose={onCancel}>
      <DialogTitle>Promote version {version?.version} to an alias</DialogTitle>
      <DialogContent>
        <DialogContentText>
          The alias moves to version {version?.version}
          {aliases[alias] !== undefined && aliases[alias] !== version?.version
            ? ` (it points at version ${aliases[alias]} now)`
            : ''}
          . Whatever reads the model by this alias picks up the new version.
        </DialogContentText>
        <Box mb={1}>
          {SUGGESTED_ALIASES.map(a => (
            <Chip
              key={a}
              label={a}
              className={classes.chip}
              onClick={() => onAliasChange(a)}
              color={alias === a ? 'primary' : 'default'}
            />
          ))}
        </Box>
        <TextField
          id="kaml-d-promote-alias"
          label="Alias"
          value={alias}
          onChange={e => onAliasChange(e.target.value)}
          error={!ALIAS.test(alias)}
          helperText="Lowercase letters, digits and -, at most 63 characters"
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button
          color="primary"
          disabled={!ALIAS.test(alias)}
          onClick={() => version && onPromote(version)}
        >
          Promote
        </Button>
      </DialogActions>
    </Dialog>
  );
}
