export * from './boundText';
export * from './revealInvisible';
