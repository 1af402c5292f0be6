export { RunsTab, DeploymentsTab, formatDuration } from './RunsTab';
