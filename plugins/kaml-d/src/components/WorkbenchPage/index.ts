export { WorkbenchPage, PlatformStatusCard } from './WorkbenchPage';
