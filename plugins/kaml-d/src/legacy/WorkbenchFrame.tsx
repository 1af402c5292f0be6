import { Header, Page } from '@backstage/core-components';
import { WorkbenchPage } from '../components/WorkbenchPage';

/**
 * The Workbench inside the page and header that the new system's page layout gives it (the
 * component itself renders only the content).
 */
export function WorkbenchFrame() {
  return (
    <Page themeId="tool">
      <Header title="Workbench" />
      <WorkbenchPage />
    </Page>
  );
}
