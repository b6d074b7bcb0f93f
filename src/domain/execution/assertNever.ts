export const assertNever = (value: never, what: string): never => {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
};
