import { Link } from '@backstage/core-components';
import { ModelVersionDatasetRef } from '@kaml-d/plugin-kaml-d-common';
import Typography from '@material-ui/core/Typography';
import { shortRef } from './modelVersionsFormat';
import { entityTabPath } from './permissions';

/** The dataset snapshots a version was trained on, each linking to the dataset's Versions tab. */
export function TrainedOnLinks(props: { trainedOn: ModelVersionDatasetRef[] }) {
  const { trainedOn } = props;
  if (trainedOn.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        no snapshot recorded
      </Typography>
    );
  }
  return (
    <>
      {trainedOn.map(t => (
        <div key={`${t.datasetRef}@${t.snapshotId}`}>
          <Link
            to={`${entityTabPath(
              t.datasetRef,
              'versions',
            )}?snapshot=${encodeURIComponent(t.snapshotId)}`}
          >
            {shortRef(t.datasetRef)} @ {t.snapshotId}
          </Link>
        </div>
      ))}
    </>
  );
}
