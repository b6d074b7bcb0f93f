export * from './vocabulary';
export * from './events';
export * from './commands';
export * from './state';
export * from './rejections';
export * from './evolve';
export * from './decide';
export * from './summary';
