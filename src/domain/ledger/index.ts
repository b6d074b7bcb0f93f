export * from './canonicalJson';
export * from './hashChain';
