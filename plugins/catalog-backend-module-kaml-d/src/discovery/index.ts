export { formatOfObjects, formatOfKey, isDataKey } from './formats';
export { readBytes } from './readBytes';
