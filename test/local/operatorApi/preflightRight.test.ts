/**
 * Preflight reads DRS in the plan's target account, two calls per server, out of the rate live polls and wave
 * starts share: on the local operator API only a user who may start a drill may ask for one.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { handleOperatorApiRequest } from '../../../src/handlers/operatorApi';
import { type OperatorApiServer, startOperatorApiServer } from '../../../src/local/operatorApi/server';
import { sendRequest, signRequest } from '../../../src/local/operatorApi/signing';
import { ensureUsers, type LocalUser, parseUsersSpec } from '../../../src/local/operatorApi/users';
import { PLAN_ID, withPauseBefore } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';
import { tempDataDir } from '../../support/localStack';

const logger = new Logger({ serviceName: 'operator-api-test', logLevel: 'SILENT' });

describe('the local operator API: who may ask for a preflight', () => {
  let world: MemoryWorld;
  let server: OperatorApiServer;
  let carol: LocalUser;
  let dana: LocalUser;

  beforeEach(async () => {
    world = new MemoryWorld();
    await world.givenPlan(withPauseBefore([2]));
    const { users } = ensureUsers(tempDataDir(), parseUsersSpec('carol:drill,dana:approve'));
    [carol, dana] = users as [LocalUser, LocalUser];
    server = await startOperatorApiServer({ port: 0, users, answer: (event) => handleOperatorApiRequest(world.deps, logger, event) });
  });
  afterEach(() => server.close());

  const preflightAs = async (user: LocalUser) =>
    sendRequest(await signRequest(user, { method: 'GET', url: `${server.endpoint}/plans/${PLAN_ID}/preflight?type=DRILL` }));

  it('a user who may start drills gets the findings', async () => {
    const answer = await preflightAs(carol);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ planId: PLAN_ID, ready: true });
    expect(world.drs.calls.replication).toHaveLength(1);
  });

  it('a user without the drill right is refused 403 AccessDeniedException, and DRS is never asked', async () => {
    const answer = await preflightAs(dana);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: 'AccessDeniedException' });
    expect(world.drs.calls.replication).toEqual([]);
  });
});
