import { AsyncLocalStorage } from 'node:async_hooks';
import { type DeployedStack, resolveDeployedStack, type StackSelection } from './deployedStack';

/** One run of the CLI: the stack it was pointed at (--stage), resolved once, on first use. */
interface Scope {
  selection?: StackSelection;
  resolved?: Promise<DeployedStack>;
}

const scopes = new AsyncLocalStorage<Scope>();

/**
 * Runs one CLI invocation in a scope of its own. Every ledger, digest and function access of a command asks the
 * scope where to go: `--stage` points all of them at the deployed stack, so each command needs no flag of its own.
 */
export const inStackScope = <T>(run: () => Promise<T>): Promise<T> => scopes.run({}, run);

/** Points this invocation at a deployed stack (main does, once the global options are parsed). */
export const selectStack = (selection: StackSelection | undefined): void => {
  const scope = scopes.getStore();
  if (!scope) throw new Error('selectStack outside inStackScope');
  if (selection) scope.selection = selection;
  else delete scope.selection;
  delete scope.resolved;
};

export const selectedStack = (): StackSelection | undefined => scopes.getStore()?.selection;

/** The selected stack's names (DescribeStacks once per invocation), or undefined when the command works locally. */
export const deployedStack = (): Promise<DeployedStack> | undefined => {
  const scope = scopes.getStore();
  if (!scope?.selection) return undefined;
  scope.resolved ??= resolveDeployedStack(scope.selection);
  return scope.resolved;
};
