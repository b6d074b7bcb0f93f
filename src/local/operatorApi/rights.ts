import type { OperatorAction } from '../../handlers/operatorApi/routes';
import type { Right } from './users';

/**
 * IAM's part, locally: the right each route needs (an IAM policy would allow the route's execute-api:Invoke
 * ARN). Reading (GET) needs only a known user, except preflight, which reads DRS. Resume needs `drill`: resuming into a wave that waits for
 * approval is approving, which the handler checks against the plan's approvers whatever the route.
 */
export const RIGHT_OF: { readonly [A in OperatorAction]: Right | undefined } = {
  listPlans: undefined,
  listExecutions: undefined,
  getExecution: undefined,
  // A preflight costs the target account's DRS two calls per server, out of the rate that live polls and wave
  // starts share: only someone who may start a drill asks for one.
  preflight: 'drill',
  startDrill: 'drill',
  startRecovery: 'recovery',
  pause: 'drill',
  resume: 'drill',
  cancel: 'drill',
  // Operating a drill, as resume and cancel are: a skip is recorded as a deviation with its principal.
  retryWave: 'drill',
  skipWave: 'drill',
  approve: 'approve',
  decline: 'approve',
};
