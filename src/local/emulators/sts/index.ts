export { startStsEmulator, STS_VERSION } from './server';
export type { StsEmulator, StsEmulatorOptions } from './server';
export type { StsRequestRecord } from './context';
export type { StsFaultSpec } from './faults';
export type { TrustedRole, TrustedRoleSpec } from './roles';
export type { IssuedCredentials } from './credentials';
