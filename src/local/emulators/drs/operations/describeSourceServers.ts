import type { DrsContext, Json, OperationResult } from '../context';
import { paginate } from '../pagination';
import { optionalArray, optionalObject, optionalPositiveInt, optionalString, SOURCE_SERVER_ID, stringList } from '../validation';
import { sourceServerOnWire } from '../views';

/** POST /DescribeSourceServers -> 200 { items, nextToken? }: registered servers by id; unknown ids are skipped. */
export const describeSourceServers = (context: DrsContext, body: Json): OperationResult => {
  const filters = optionalObject(body, 'filters') ?? {};
  const ids = stringList(
    optionalArray(filters, 'sourceServerIDs', 0, 200, 'filters.sourceServerIDs'),
    'filters.sourceServerIDs',
    SOURCE_SERVER_ID,
  );
  const maxResults = optionalPositiveInt(body, 'maxResults');
  const nextToken = optionalString(body, 'nextToken');
  const wanted = ids && ids.length > 0 ? new Set(ids) : undefined;
  const matching = [...context.store.sourceServers.values()]
    .filter((server) => !wanted || wanted.has(server.sourceServerID))
    .sort((a, b) => (a.sourceServerID < b.sourceServerID ? -1 : 1));
  const page = paginate(matching, (server) => server.sourceServerID, 'asc', {
    operation: 'DescribeSourceServers',
    maxResults,
    nextToken,
    defaultPageSize: context.defaultPageSize,
  });
  const now = context.now();
  return {
    status: 200,
    body: {
      items: page.items.map((server) =>
        sourceServerOnWire(
          server,
          context.store.jobs,
          now,
          context.arns,
          context.sourceOrigin,
          context.store.serverState(server.sourceServerID),
        ),
      ),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    },
  };
};
