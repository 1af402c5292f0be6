import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';

/** The outcome of the last action of a Versions tab, shown above its content. */
export type Notice = {
  severity: 'success' | 'info' | 'error';
  text: string;
};

/** The notice of the last action, or nothing. */
export function NoticeAlert(props: { notice?: Notice }) {
  const { notice } = props;
  if (!notice) return null;
  return (
    <Box mb={2}>
      <Alert severity={notice.severity}>{notice.text}</Alert>
    </Box>
  );
}
