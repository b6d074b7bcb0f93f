export * from './checkChain';
export * from './coverage';
export * from './document';
export * from './parseDigest';
export * from './signature';
