import { awsQueryModelChecks } from '../awsQuery/modelChecks';
import { SnsError } from './errors';

/** SNS's model as the referee of this emulator (see ../models). */
export const snsModelChecks = awsQueryModelChecks('sns', (code, status, message) => new SnsError(code, status, message));
