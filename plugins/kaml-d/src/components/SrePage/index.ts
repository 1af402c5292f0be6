export { SrePage } from './SrePage';
