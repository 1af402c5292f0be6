import { useTheme } from '@material-ui/core/styles';
import { CSSProperties } from 'react';

/** Colours and text styles of every KAML-D chart, read from the MUI/Backstage theme. */
export interface ChartTheme {
  /** Colours of series in order: primary, secondary, warning, info, success, error. */
  series: string[];
  /** Axis lines, ticks and axis labels. */
  axis: string;
  grid: string;
  tick: { fill: string; fontSize: number };
  tooltip: {
    contentStyle: CSSProperties;
    labelStyle: CSSProperties;
    itemStyle: CSSProperties;
  };
  /** The fill under the pointer in bar charts. */
  cursor: string;
}

/** The chart colours of the current theme, light or dark. */
export function useChartTheme(): ChartTheme {
  const theme = useTheme();
  const { palette } = theme;
  return {
    series: [
      palette.primary.main,
      palette.secondary.main,
      palette.warning.main,
      palette.info.main,
      palette.success.main,
      palette.error.main,
    ],
    axis: palette.text.secondary,
    grid: palette.divider,
    tick: { fill: palette.text.secondary, fontSize: 11 },
    tooltip: {
      contentStyle: {
        backgroundColor: palette.background.paper,
        border: `1px solid ${palette.divider}`,
        borderRadius: theme.shape.borderRadius,
        color: palette.text.primary,
        fontSize: 12,
      },
      labelStyle: { color: palette.text.primary, fontWeight: 500 },
      itemStyle: { color: palette.text.primary },
    },
    cursor: palette.action.hover,
  };
}
