export { startStsEmulator, STS_VERSION } from './server';
export type { StsEmulator, StsEmulatorOptions, StsRequestRecord } from './server';
export type { StsFaultSpec } from './faults';
export type { TrustedRole, TrustedRoleSpec } from './roles';
export type { IssuedCredentials } from './credentials';
