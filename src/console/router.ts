/** The console's pages, by location hash: a page is bookmarkable and the browser's back button works. */
export type Route =
  | { page: 'plans' }
  | { page: 'plan'; planId: string }
  | { page: 'executions' }
  | { page: 'execution'; executionId: string }
  | { page: 'notFound'; hash: string };

const decoded = (segment: string): string | undefined => {
  try {
    const value = decodeURIComponent(segment);
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
};

/** The route of a location hash ("#/plans/rp-1"); the bare console opens the plans. */
export const parseRoute = (hash: string): Route => {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '');
  if (path === '' || path === '/' || path === '/plans') return { page: 'plans' };
  if (path === '/executions') return { page: 'executions' };
  const match = /^\/(plans|executions)\/([^/]+)$/.exec(path);
  const id = match?.[2] === undefined ? undefined : decoded(match[2]);
  if (match && id !== undefined) return match[1] === 'plans' ? { page: 'plan', planId: id } : { page: 'execution', executionId: id };
  return { page: 'notFound', hash };
};

export const hrefOf = (route: Exclude<Route, { page: 'notFound' }>): string => {
  switch (route.page) {
    case 'plans':
      return '#/plans';
    case 'executions':
      return '#/executions';
    case 'plan':
      return `#/plans/${encodeURIComponent(route.planId)}`;
    case 'execution':
      return `#/executions/${encodeURIComponent(route.executionId)}`;
  }
};

/** The path of an execution's report in a format the server renders. */
export const reportHref = (executionId: string, format: 'html' | 'md' | 'json'): string =>
  `/reports/${encodeURIComponent(executionId)}.${format}`;
