/**
 * Cold starts: get_execution_details loads the DynamoDB client only. The other services' SDK clients are
 * imported on an operation's first call to them (src/handlers/wiring.ts), and the bundle keeps them as
 * lazily-initialised modules, so their code is never even evaluated by a read.
 */
import { runLoadedClientsProbe } from '../support/runLoadedClientsProbe';

describe('SDK clients an operation loads', () => {
  it('get_execution_details loads no DRS, Step Functions, Lambda or SNS code', async () => {
    const probe = await runLoadedClientsProbe();
    expect(probe).toMatchObject({ statusCode: 200, source: 'view' });
    // Loading the handler's modules loads the DynamoDB client only.
    expect(probe.atStart).toEqual(['client-dynamodb']);
    expect(probe.afterDetails).toEqual(['client-dynamodb']);
    // The probe sees a client load when there is one.
    expect(probe.afterDrsControl).toEqual(expect.arrayContaining(['client-drs']));
  });
});
