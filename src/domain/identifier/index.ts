export * from './identifier';
