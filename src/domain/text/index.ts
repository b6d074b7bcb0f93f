export * from './boundText';
