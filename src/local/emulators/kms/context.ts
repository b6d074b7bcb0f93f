import type { Clock } from '../clock';
import type { KmsHome } from './keyIds';
import type { KmsStore } from './store';

/** What every operation reads. */
export interface KmsContext {
  store: KmsStore;
  home: KmsHome;
  now: Clock;
}

export type Json = Record<string, unknown>;

/** A string member of a request that passed the model check: a string when present (undefined otherwise). */
export const stringMember = (input: Json, name: string): string | undefined => {
  const value = input[name];
  return typeof value === 'string' ? value : undefined;
};
