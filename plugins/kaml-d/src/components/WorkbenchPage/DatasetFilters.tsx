import { InfoCard, Progress } from '@backstage/core-components';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useEffect, useRef, useState } from 'react';
import { DatasetFacets, FacetOption } from './datasetFacets';
import { MAX_NAME_FILTER } from './datasetQuery';

const useStyles = makeStyles(theme => ({
  filter: { minWidth: theme.spacing(20) },
  muted: { color: theme.palette.text.secondary },
}));

/** How long typing may pause before the name filter is sent. */
const TYPING_PAUSE_MS = 300;

/** `1234` → `1,234`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A menu of one facet's values (from the catalog's facet counts); empty means any. */
export function FilterSelect(props: {
  label: string;
  value?: string;
  options: FacetOption[];
  onChange: (value?: string) => void;
}) {
  const classes = useStyles();
  const id = `kaml-d-filter-${props.label.toLowerCase()}`;
  // a value from a shared URL stays selectable even when no dataset has it any more
  const values = props.options.map(o => o.value);
  if (props.value && !values.includes(props.value)) values.push(props.value);
  return (
    <FormControl className={classes.filter} size="small" variant="outlined">
      <InputLabel id={id}>{props.label}</InputLabel>
      <Select
        labelId={id}
        label={props.label}
        value={props.value ?? ''}
        onChange={event =>
          props.onChange(String(event.target.value) || undefined)
        }
      >
        <MenuItem value="">
          <em>Any</em>
        </MenuItem>
        {values.map(option => (
          <MenuItem key={option} value={option}>
            {option}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/**
 * Filters the table by part of a dataset's name or title; sent once typing pauses, and
 * following the URL when it changes (back button, shared link).
 */
export function NameFilter(props: {
  value?: string;
  onChange: (value?: string) => void;
}) {
  const classes = useStyles();
  const [text, setText] = useState(props.value ?? '');
  const sent = useRef(props.value ?? '');
  // the latest callback, so that a re-render of the table does not restart the pause
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  useEffect(() => {
    sent.current = props.value ?? '';
    setText(props.value ?? '');
  }, [props.value]);
  useEffect(() => {
    const trimmed = text.trim();
    if (trimmed === sent.current) return undefined;
    const timer = setTimeout(() => {
      sent.current = trimmed;
      onChange.current(trimmed || undefined);
    }, TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <TextField
      className={classes.filter}
      id="kaml-d-filter-name"
      label="Name contains"
      size="small"
      variant="outlined"
      value={text}
      inputProps={{ maxLength: MAX_NAME_FILTER }}
      onChange={event => setText(event.target.value)}
    />
  );
}

/** The projects (Systems) with datasets and their counts; picking one filters the table. */
export function ProjectsList(props: {
  facets: { value?: DatasetFacets; loading: boolean; error?: Error };
  selected?: string;
  onSelect: (project?: string) => void;
}) {
  const classes = useStyles();
  const { value, loading, error } = props.facets;
  let summary = '';
  if (value) {
    summary = `${formatCount(value.total)} ${
      value.total === 1 ? 'dataset' : 'datasets'
    }`;
  }
  return (
    <InfoCard title="Projects" noPadding>
      {loading && !value && <Progress aria-label="Counting the projects" />}
      {error && (
        <Typography className={classes.muted} role="alert">
          Could not count the projects: {error.message}
        </Typography>
      )}
      <List dense component="nav" aria-label="Projects">
        <ListItem
          button
          selected={!props.selected}
          onClick={() => props.onSelect(undefined)}
        >
          <ListItemText primary="All projects" secondary={summary} />
        </ListItem>
        {(value?.projects ?? []).map(({ value: project, count }) => (
          <ListItem
            key={project}
            button
            selected={props.selected === project}
            onClick={() => props.onSelect(project)}
          >
            <ListItemText
              primary={project}
              secondary={`${formatCount(count)} ${
                count === 1 ? 'dataset' : 'datasets'
              }`}
            />
          </ListItem>
        ))}
      </List>
    </InfoCard>
  );
}
