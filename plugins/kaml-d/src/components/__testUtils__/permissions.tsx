import { ReactNode } from 'react';
import { SWRConfig } from 'swr';

/**
 * `usePermission` caches decisions (stale-while-revalidate) across renders; each test renders
 * inside its own cache so one test's decision is not another's.
 */
export function FreshPermissionCache(props: { children: ReactNode }) {
  return (
    <SWRConfig value={{ provider: () => new Map() }}>
      {props.children}
    </SWRConfig>
  );
}
