export * from './finding';
export * from './facts';
export * from './assessReadiness';
