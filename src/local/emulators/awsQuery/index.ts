export { startAwsQueryServer, awsQueryHandler } from './server';
export type { AwsQueryAction, AwsQueryActions, AwsQueryCall, AwsQueryService } from './server';
export type { AdminRoutes } from './admin';
export { AwsQueryError } from './awsQueryError';
export { FailNextFaults } from './failNext';
export type { FailNextDefaults, FailNextFaultSpec, FailNextSpec, FailNextState } from './failNext';
export type { XmlFields, XmlValue } from './xml';
