import { DRS_JOB_ID_PATTERN, identifierProblem } from '../domain/identifier';
import { SOURCE_SERVER_ID_PATTERN } from '../domain/plan';

/**
 * The ids an export carries, held to the execution-handler's own rules (src/domain/identifier, the plan's
 * server ids): an imported execution's ids become keys, report file names and terminal output, so a file
 * may not bring in an id the handler would have refused (`../../x/TRAVERSED` is not an execution id).
 */

type Fields = Record<string, unknown>;

const isFields = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);

/** The header's execution and plan ids. */
export const headerIdProblem = (executionId: unknown, planId: unknown): string | undefined =>
  identifierProblem("the header's executionId", executionId) ?? identifierProblem("the header's planId", planId);

const serverIdProblem = (where: string, serverId: unknown): string | undefined =>
  typeof serverId === 'string' && SOURCE_SERVER_ID_PATTERN.test(serverId)
    ? undefined
    : `${where} ${JSON.stringify(serverId)} is not a DRS source server id`;

const jobIdProblem = (where: string, jobId: unknown): string | undefined =>
  jobId === undefined || (typeof jobId === 'string' && DRS_JOB_ID_PATTERN.test(jobId))
    ? undefined
    : `${where} ${JSON.stringify(jobId)} is not a DRS job id`;

/** Server observations (WaveStarted, WavePolled, WaveFailed): each server's id, and the job a failure's text came from. */
const observationsProblem = (where: string, servers: unknown): string | undefined => {
  for (const server of listOf(servers)) {
    if (!isFields(server)) continue;
    const problem =
      serverIdProblem(`${where}: serverId`, server.serverId) ??
      (isFields(server.failureReasonRef)
        ? jobIdProblem(`${where}: failureReasonRef.drsJobId`, server.failureReasonRef.drsJobId)
        : undefined);
    if (problem) return problem;
  }
  return undefined;
};

const planIdsProblem = (plan: unknown, planId: string): string | undefined => {
  if (!isFields(plan)) return undefined; // not a plan at all: the fold reports it as malformed
  if (plan.planId !== planId) return `the started plan is ${JSON.stringify(plan.planId)}, not the header's ${planId}`;
  for (const wave of listOf(plan.waves)) {
    for (const serverId of isFields(wave) ? listOf(wave.sourceServerIds) : []) {
      const problem = serverIdProblem('the plan names server', serverId);
      if (problem) return problem;
    }
  }
  return undefined;
};

/**
 * Why an event line's ids are not the handler's, or undefined. The envelope's execution id is checked
 * against the header's (which is checked itself); its plan id must be the header's too, the started
 * plan's as well, and every server and DRS job id in its payload must be one DRS could have given.
 */
export const eventIdProblem = (event: Fields, header: { planId: string }): string | undefined => {
  if (event.planId !== header.planId) return `the event names plan ${JSON.stringify(event.planId)}, not the header's ${header.planId}`;
  const data = isFields(event.data) ? event.data : {};
  switch (event.type) {
    case 'ExecutionStarted':
      return planIdsProblem(data.plan, header.planId);
    case 'WaveStarted':
      return jobIdProblem('drsJobId', data.drsJobId) ?? observationsProblem('servers', data.servers);
    case 'WavePolled':
      return jobIdProblem('drsJobId', data.drsJobId) ?? observationsProblem('servers', data.servers);
    case 'WaveFailed':
      return observationsProblem('failedServers', data.failedServers);
    default:
      return undefined;
  }
};
