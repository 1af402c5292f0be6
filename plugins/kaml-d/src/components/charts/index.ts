export { ChartDataTable } from './ChartDataTable';
export { useChartTheme } from './chartTheme';
export type { ChartTheme } from './chartTheme';
