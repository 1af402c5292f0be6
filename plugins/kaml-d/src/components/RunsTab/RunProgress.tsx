import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import type { TrainJobProgress } from '@kaml-d/plugin-kaml-d-common';

const ofTotal = (n: number, total?: number) =>
  total !== undefined ? `${n}/${total}` : String(n);

/** `12 min left`, `2 h 05 min left`, `40 s left`. */
function remaining(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min left`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(
    2,
    '0',
  )} min left`;
}

/**
 * The progress cell of a Kubeflow Trainer v2 TrainJob: a bar when the trainer reports a
 * percentage (`status.trainerStatus`, Trainer v2.2+), its step, epoch and remaining time, and the
 * child Jobs (`status.jobsStatus`).
 */
export function RunProgress({ progress }: { progress?: TrainJobProgress }) {
  if (!progress) return <>—</>;
  const trainer = [
    progress.percent !== undefined ? `${progress.percent}%` : '',
    progress.currentStep !== undefined
      ? `step ${ofTotal(progress.currentStep, progress.totalSteps)}`
      : '',
    progress.currentEpoch !== undefined
      ? `epoch ${ofTotal(progress.currentEpoch, progress.totalEpochs)}`
      : '',
    progress.estimatedRemainingSeconds !== undefined
      ? remaining(progress.estimatedRemainingSeconds)
      : '',
  ].filter(Boolean);
  const jobs = progress.jobs.map(j => {
    const states = (
      ['active', 'ready', 'succeeded', 'failed', 'suspended'] as const
    )
      .filter(k => j[k] > 0)
      .map(k => `${j[k]} ${k}`);
    return `${j.name}: ${states.join(', ') || 'no Job yet'}`;
  });
  return (
    <>
      {progress.percent !== undefined && (
        <LinearProgress
          variant="determinate"
          value={progress.percent}
          aria-label={`Training progress ${progress.percent}%`}
        />
      )}
      {trainer.length > 0 && (
        <Typography variant="body2" component="div">
          {trainer.join(' · ')}
        </Typography>
      )}
      {jobs.map(line => (
        <Typography
          key={line}
          variant="caption"
          color="textSecondary"
          component="div"
        >
          {line}
        </Typography>
      ))}
    </>
  );
}
