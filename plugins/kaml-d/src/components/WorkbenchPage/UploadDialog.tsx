import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  DATASET_FORMATS,
  DatasetFormat,
  DatasetUploadResponse,
} from '@kaml-d/plugin-kaml-d-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { FormEvent, useState } from 'react';
import { kamlDApiRef } from '../../api';
import { serverMessage } from '../shared/errors';
import { formatBytes } from '../shared/relations';
import { ExistingDatasetNotice, Registration } from './uploadRegistration';

export { REGISTRATION_POLL } from './uploadRegistration';

const NAME = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;

/** A dataset name suggested by a file name: `Sales 2024.csv` → `sales-2024`. */
export function suggestName(fileName: string): string {
  return fileName
    .replace(/\.[^.]*(\.gz)?$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

const useStyles = makeStyles(theme => ({
  form: { display: 'flex', flexDirection: 'column', gap: theme.spacing(2) },
  files: { display: 'flex', alignItems: 'center', gap: theme.spacing(2) },
}));

/**
 * The Upload dialog: files plus name, format, owner, project, description and tags, sent to
 * the backend; the catalog registers the new dataset through discovery.
 */
export function UploadDialog(props: {
  open: boolean;
  onClose: () => void;
  /** Called after a successful upload and again once the catalog holds the dataset. */
  onChanged: () => void;
  /**
   * Called when the dialog is closed while the catalog has not registered the new dataset yet,
   * so the Workbench keeps waiting and refreshes when it does.
   */
  onClosedWhileWaiting?: (entityRef: string) => void;
}) {
  const classes = useStyles();
  const api = useApi(kamlDApiRef);
  const catalogApi = useApi(catalogApiRef);
  const { open, onClose, onChanged, onClosedWhileWaiting } = props;
  const [registered, setRegistered] = useState(false);
  // the dataset of that name when it exists: asked before adding files to it
  const [existing, setExisting] = useState<string | undefined>();
  const [snapshotFirst, setSnapshotFirst] = useState(true);
  const [added, setAdded] = useState(false);
  const [files, setFiles] = useState<File[]>([]);
  const [name, setName] = useState('');
  const [format, setFormat] = useState<DatasetFormat | ''>('');
  const [owner, setOwner] = useState('');
  const [system, setSystem] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [result, setResult] = useState<DatasetUploadResponse | undefined>();

  const nameProblem =
    name && !NAME.test(name)
      ? 'Use lowercase letters and digits with single - _ . between them, such as sales-2024.'
      : undefined;

  const reset = () => {
    setFiles([]);
    setName('');
    setFormat('');
    setOwner('');
    setSystem('');
    setDescription('');
    setTags('');
    setError(undefined);
    setResult(undefined);
    setRegistered(false);
    setExisting(undefined);
    setSnapshotFirst(true);
    setAdded(false);
  };

  const onRegistered = () => {
    setRegistered(true);
    onChanged();
  };

  const close = () => {
    if (busy) return;
    if (result && !registered && !added)
      onClosedWhileWaiting?.(result.entityRef);
    reset();
    onClose();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const ref = `dataset:default/${name}`;
      if (existing !== ref) {
        const found = await catalogApi
          .getEntityByRef(ref)
          .catch(() => undefined);
        if (found) {
          // ask first: the next Upload press adds the files
          setExisting(ref);
          return;
        }
      } else if (snapshotFirst) {
        await api.createDatasetSnapshot(
          { namespace: 'default', name },
          `Before uploading ${files.map(f => f.name).join(', ')}`,
        );
      }
      const uploaded = await api.uploadDataset({
        name,
        files,
        format: format || undefined,
        owner: owner.trim() || undefined,
        system: system.trim() || undefined,
        description: description.trim() || undefined,
        tags: tags
          .split(',')
          .map(t => t.trim())
          .filter(Boolean),
      });
      setAdded(existing === ref);
      setResult(uploaded);
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      fullWidth
      maxWidth="sm"
      aria-labelledby="kaml-d-upload-title"
    >
      <DialogTitle id="kaml-d-upload-title">Upload a dataset</DialogTitle>
      {result ? (
        <>
          <DialogContent>
            <Alert severity="success">
              <Typography variant="body2">
                Uploaded {result.objects.length}{' '}
                {result.objects.length === 1 ? 'file' : 'files'} (
                {formatBytes(
                  result.objects.reduce((sum, o) => sum + o.size, 0),
                )}
                ) to <code>{result.location}</code>.
              </Typography>
              <Typography variant="body2">
                {added ? 'Added to dataset:' : 'New dataset:'}{' '}
                <EntityRefLink entityRef={result.entityRef} hideIcon>
                  {result.entityRef}
                </EntityRefLink>
              </Typography>
              {added ? null : (
                <Registration
                  entityRef={result.entityRef}
                  onRegistered={onRegistered}
                />
              )}
            </Alert>
          </DialogContent>
          <DialogActions>
            <Button onClick={reset}>Upload another</Button>
            <Button color="primary" variant="contained" onClick={close}>
              Close
            </Button>
          </DialogActions>
        </>
      ) : (
        <form onSubmit={submit}>
          <DialogContent className={classes.form}>
            <div className={classes.files}>
              <Button variant="outlined" component="label" disabled={busy}>
                Choose files
                <input
                  hidden
                  multiple
                  type="file"
                  aria-label="Files"
                  onChange={event => {
                    const picked = Array.from(event.target.files ?? []);
                    setFiles(picked);
                    if (!name && picked[0])
                      setName(suggestName(picked[0].name));
                  }}
                />
              </Button>
              <Typography variant="body2" color="textSecondary">
                {files.length === 0
                  ? 'No files chosen'
                  : files.map(f => f.name).join(', ')}
              </Typography>
            </div>
            <TextField
              id="kaml-d-upload-name"
              label="Name"
              required
              value={name}
              onChange={e => {
                setName(e.target.value);
                setExisting(undefined);
              }}
              error={Boolean(nameProblem)}
              helperText={
                nameProblem ??
                'The dataset name in the catalog and its folder in storage.'
              }
              disabled={busy}
            />
            <TextField
              select
              // the empty value is shown as "Detect", not as a blank field
              SelectProps={{ displayEmpty: true }}
              InputLabelProps={{ shrink: true }}
              id="kaml-d-upload-format"
              label="Format"
              value={format}
              onChange={e => setFormat(e.target.value as DatasetFormat | '')}
              helperText="Detected from the file names when left on Detect."
              disabled={busy}
            >
              <MenuItem value="">Detect</MenuItem>
              {DATASET_FORMATS.map(f => (
                <MenuItem key={f} value={f}>
                  {f}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              id="kaml-d-upload-owner"
              label="Owner"
              value={owner}
              onChange={e => setOwner(e.target.value)}
              helperText="A group or user reference, such as group:default/data-science; you when empty."
              disabled={busy}
            />
            <TextField
              id="kaml-d-upload-project"
              label="Project"
              value={system}
              onChange={e => setSystem(e.target.value)}
              helperText="The System the dataset belongs to, such as fraud-detection (optional)."
              disabled={busy}
            />
            <TextField
              id="kaml-d-upload-description"
              label="Description"
              multiline
              value={description}
              onChange={e => setDescription(e.target.value)}
              disabled={busy}
            />
            <TextField
              id="kaml-d-upload-tags"
              label="Tags"
              value={tags}
              onChange={e => setTags(e.target.value)}
              helperText="Comma-separated, such as finance, tabular."
              disabled={busy}
            />
            {existing === `dataset:default/${name}` ? (
              <ExistingDatasetNotice
                entityRef={existing}
                name={name}
                snapshot={snapshotFirst}
                onSnapshotChange={setSnapshotFirst}
              />
            ) : null}
            {busy ? <LinearProgress aria-label="Uploading" /> : null}
            {error ? (
              <Alert severity="error">
                The upload was refused: {serverMessage(error)}
              </Alert>
            ) : null}
          </DialogContent>
          <DialogActions>
            <Button onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button
              type="submit"
              color="primary"
              variant="contained"
              disabled={
                busy || files.length === 0 || !name || Boolean(nameProblem)
              }
            >
              {existing === `dataset:default/${name}`
                ? `Add to ${name}`
                : 'Upload'}
            </Button>
          </DialogActions>
        </form>
      )}
    </Dialog>
  );
}
