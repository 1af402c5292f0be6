import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  full: { height: 30, width: 'auto' },
  icon: { height: 28, width: 'auto' },
  text: { fill: theme.palette.common.white },
  mark: { fill: theme.palette.secondary.main },
}));

/** Three layers (data, models, serving), the KAML-D mark. */
function Layers(props: { className: string }) {
  return (
    <g className={props.className}>
      <rect x="0" y="2" width="26" height="6" rx="2" />
      <rect x="4" y="12" width="22" height="6" rx="2" />
      <rect x="8" y="22" width="18" height="6" rx="2" />
    </g>
  );
}

/** The KAML-D word mark: a stack of three layers (data, models, serving) and the name. */
export function KamlDLogoFull() {
  const classes = useStyles();
  return (
    <svg className={classes.full} viewBox="0 0 168 30" role="img" aria-label="KAML-D">
      <Layers className={classes.mark} />
      <text className={classes.text} x="34" y="24" fontSize="24" fontWeight="700"
        fontFamily="Helvetica, Arial, sans-serif">
        KAML-D
      </text>
    </svg>
  );
}

/** The KAML-D mark alone, for the collapsed sidebar. */
export function KamlDLogoIcon() {
  const classes = useStyles();
  return (
    <svg className={classes.icon} viewBox="0 0 26 30" role="img" aria-label="KAML-D">
      <Layers className={classes.mark} />
    </svg>
  );
}
