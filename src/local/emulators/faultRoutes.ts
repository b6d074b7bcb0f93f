import type { ServerResponse } from 'node:http';
import { sendJson } from './http';

export interface FaultControls<Spec> {
  apply(spec: Spec): void;
  reset(): void;
  describe(): unknown;
}

/**
 * The admin API's fault routes every emulator shares: GET, POST (apply) and DELETE (reset) `faults`.
 * Answers and returns true when the route is one of them.
 */
export const handleFaultRoute = <Spec>(route: string, payload: unknown, faults: FaultControls<Spec>, response: ServerResponse): boolean => {
  switch (route) {
    case 'GET faults':
      break;
    case 'POST faults':
      faults.apply(payload as Spec);
      break;
    case 'DELETE faults':
      faults.reset();
      break;
    default:
      return false;
  }
  sendJson(response, 200, faults.describe());
  return true;
};
