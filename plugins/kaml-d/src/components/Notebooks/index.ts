export { NotebooksCard } from './NotebooksCard';
export { OpenInNotebookButton } from './OpenInNotebookButton';
export type { NotebookTarget } from './OpenInNotebookButton';
