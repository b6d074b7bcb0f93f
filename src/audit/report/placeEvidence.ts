import type { ExecutionStarted, SourceOrigin } from '../../domain/execution';
import type { AccountsEvidence, SimulationEvidence } from './evidence';

/**
 * Whether DRS was simulated, as the start recorded it. A ledger holds what it holds (a rewritten one anything):
 * only a well-formed record counts, and a malformed one still marks the report, with the factor unknown.
 */
export const simulationOf = (started: ExecutionStarted): SimulationEvidence | undefined => {
  const recorded: unknown = started.data.simulation;
  if (recorded === undefined) return undefined;
  const { drs, speed } = (typeof recorded === 'object' && recorded !== null ? recorded : {}) as Record<string, unknown>;
  const known = typeof speed === 'number' && Number.isFinite(speed) && speed > 0;
  return { drs: drs === 'emulator' ? 'emulator' : 'unknown', ...(known ? { speed } : {}) };
};

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const originsOf = (recorded: unknown): SourceOrigin[] | undefined => {
  if (!Array.isArray(recorded)) return undefined;
  return recorded.flatMap((entry: unknown): SourceOrigin[] => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { accountId, region, servers, more } = entry as Record<string, unknown>;
    if (typeof servers !== 'number' || !Number.isInteger(servers) || servers < 0) return [];
    const account = text(accountId);
    const where = text(region);
    return [
      {
        ...(account ? { accountId: account } : {}),
        ...(where ? { region: where } : {}),
        servers,
        ...(more === true ? { more: true } : {}),
      },
    ];
  });
};

/**
 * Where the execution acted and where its servers came from: the target from the plan's recorded target (the
 * accountContext) or, without one, the account the function ran in; the sources as DRS reported them at the start.
 */
export const accountsOf = (started: ExecutionStarted): AccountsEvidence => {
  const { accountContext, functionAccount, sourceOrigins } = started.data;
  const home = functionAccount as Partial<Record<'accountId' | 'region', unknown>> | undefined;
  const target: AccountsEvidence['target'] = accountContext
    ? { basis: 'plan-target', ...optional('accountId', text(accountContext.accountId)), ...optional('region', text(accountContext.region)) }
    : home
      ? { basis: 'function', ...optional('accountId', text(home.accountId)), ...optional('region', text(home.region)) }
      : { basis: 'not-recorded' };
  const origins = originsOf(sourceOrigins);
  return { target, source: origins ? { basis: 'drs', origins } : { basis: 'not-recorded' } };
};

const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;
