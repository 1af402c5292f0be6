import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { SearchResultSet } from '@backstage/plugin-search-common';
import { searchApiRef } from '@backstage/plugin-search-react';
import { QueryResponse } from '@kaml-d/plugin-kaml-d-common';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import { FormEvent, KeyboardEvent, useState } from 'react';
import { kamlDApiRef } from '../../api';
import { serverMessage } from '../shared/errors';
import { RowsTable } from '../shared/RowsTable';
import { KamlDSearchResultItem } from '../Search/KamlDSearchResultItem';
import { KAML_D_RESULT_TYPES } from '../Search/searchHit';

/**
 * Document types the text search asks for: datasets with their columns, models, and the rest of
 * the catalog (whose index leaves datasets and models out: one hit per entity).
 */
export const SEARCH_TYPES = [
  'kaml-d-dataset',
  'kaml-d-model',
  'software-catalog',
];
/** Rows a SQL query returns at most from the Workbench (the server caps again). */
export const QUERY_LIMIT = 200;

const TYPE_LABELS: Record<string, string> = {
  ...KAML_D_RESULT_TYPES,
  'software-catalog': 'Catalog',
};

type Mode = 'search' | 'sql';

type Outcome =
  | { mode: 'search'; term: string; results: SearchResultSet }
  | { mode: 'sql'; result: QueryResponse }
  | { mode: Mode; error: Error };

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(2),
    flexWrap: 'wrap',
  },
  input: { flex: 1, minWidth: theme.spacing(30) },
  sql: { fontFamily: 'monospace' },
  results: { marginTop: theme.spacing(2) },
}));

function SearchResults(props: { term: string; results: SearchResultSet }) {
  const { term, results } = props;
  if (results.results.length === 0) {
    return (
      <Typography color="textSecondary">
        Nothing found for “{term}”. Try a dataset name, a tag or a column name.
      </Typography>
    );
  }
  return (
    <List dense aria-label="Search results">
      {results.results.map(result => (
        <KamlDSearchResultItem
          key={`${result.type}:${result.document.location}`}
          result={result.document}
          type={result.type}
          highlight={result.highlight}
          typeLabel={TYPE_LABELS[result.type] ?? result.type}
        />
      ))}
    </List>
  );
}

function QueryResult(props: { result: QueryResponse }) {
  const { result } = props;
  const count = `${result.rows.length} ${
    result.rows.length === 1 ? 'row' : 'rows'
  }`;
  const subtitle = [
    result.datasets.length ? `Read ${result.datasets.join(', ')}` : undefined,
    `${result.engine}, ${result.elapsedMs} ms`,
    result.truncated ? `first ${result.limit} rows shown` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <RowsTable
      title={`Query result: ${count}`}
      subtitle={subtitle}
      columns={result.columns}
      rows={result.rows}
      emptyText="The query returned no rows."
    />
  );
}

/**
 * The Workbench's one search box: text search over datasets (by name, tag, description or
 * column) and the catalog, or, in SQL mode, a read-only query over datasets.
 */
export function WorkbenchSearch() {
  const classes = useStyles();
  const kamlDApi = useApi(kamlDApiRef);
  const searchApi = useApi(searchApiRef);
  const [mode, setMode] = useState<Mode>('search');
  const [text, setText] = useState('');
  const [sql, setSql] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();

  const run = async () => {
    const input = mode === 'search' ? text.trim() : sql.trim();
    if (!input) return;
    setBusy(true);
    try {
      if (mode === 'search') {
        const results = await searchApi.query({
          term: input,
          types: SEARCH_TYPES,
          pageLimit: 25,
        });
        setOutcome({ mode, term: input, results });
      } else {
        setOutcome({
          mode,
          result: await kamlDApi.runQuery(input, QUERY_LIMIT),
        });
      }
    } catch (e) {
      setOutcome({
        mode,
        error: e instanceof Error ? e : new Error(String(e)),
      });
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    run();
  };
  // in SQL mode Enter makes a new line; Ctrl+Enter (or Cmd+Enter) runs the statement
  const onSqlKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  };

  let results = null;
  if (busy) {
    results = (
      <Progress
        aria-label={mode === 'search' ? 'Searching' : 'Running the query'}
      />
    );
  } else if (outcome && 'error' in outcome) {
    results = (
      <Alert severity="error">
        {outcome.mode === 'search' ? 'Search failed: ' : 'The query failed: '}
        {serverMessage(outcome.error)}
      </Alert>
    );
  } else if (outcome?.mode === 'search' && 'results' in outcome) {
    results = <SearchResults term={outcome.term} results={outcome.results} />;
  } else if (outcome?.mode === 'sql' && 'result' in outcome) {
    results = <QueryResult result={outcome.result} />;
  }

  return (
    <InfoCard title="Find data">
      <form className={classes.bar} onSubmit={submit} role="search">
        <ToggleButtonGroup
          exclusive
          size="small"
          value={mode}
          aria-label="Search mode"
          onChange={(_e, next: Mode | null) => {
            if (next) {
              setMode(next);
              setOutcome(undefined);
            }
          }}
        >
          <ToggleButton value="search" aria-label="Text search">
            Search
          </ToggleButton>
          <ToggleButton value="sql" aria-label="SQL mode">
            SQL
          </ToggleButton>
        </ToggleButtonGroup>
        {mode === 'search' ? (
          <TextField
            className={classes.input}
            variant="outlined"
            size="small"
            id="kaml-d-search-text"
            label="Search datasets and the catalog"
            placeholder="A dataset, tag or column name"
            value={text}
            onChange={e => setText(e.target.value)}
          />
        ) : (
          <TextField
            className={classes.input}
            variant="outlined"
            size="small"
            multiline
            minRows={3}
            id="kaml-d-search-sql"
            label="SQL"
            placeholder='SELECT * FROM "finance-transactions" LIMIT 10'
            helperText="One read-only statement; name datasets in double quotes. Ctrl+Enter runs it."
            InputProps={{ classes: { input: classes.sql } }}
            value={sql}
            onChange={e => setSql(e.target.value)}
            onKeyDown={onSqlKey}
          />
        )}
        <Button
          type="submit"
          variant="contained"
          color="primary"
          disabled={busy}
        >
          {mode === 'search' ? 'Search' : 'Run'}
        </Button>
      </form>
      {results ? <div className={classes.results}>{results}</div> : null}
    </InfoCard>
  );
}
