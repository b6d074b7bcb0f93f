import { awsQueryModelChecks } from '../awsQuery/modelChecks';
import { StsError } from './errors';

/** STS's model as the referee of this emulator (see ../models). */
export const stsModelChecks = awsQueryModelChecks('sts', (code, status, message) => new StsError(code, status, message));
