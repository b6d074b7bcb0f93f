import type { WaveView } from '../../../projections/executionView';
import { canonicalJson } from '../../domain/ledger/canonicalJson';

/** The header's fields, as executionViewItem.ts lays a view out (everything but the server rows). */
type HeaderFields = { currentWave: number; waveStatuses: WaveView[] } & Record<string, unknown>;

/**
 * What a wave item written alone (a solo write, see executionViewWrite.ts) changes of its header: the header
 * fields that differ from the committed header it extends, whole, and the waves of waveStatuses that differ, by
 * index. Always relative to that committed header, never to the previous solo write, so the latest solo item
 * alone says what the header is now.
 */
export interface HeaderPatch {
  set: Record<string, unknown>;
  unset: string[];
  waves: Record<string, WaveView>;
}

/**
 * Header fields a solo write may not change, because something reads the header item alone and must find them
 * current: the sparse index's key (status, pendingApproval, cleanup: indexKeyOf), what find reads of the waves
 * in progress (accountContext; each wave's status and DRS jobs), the wave solo writes go to (currentWave), and
 * the layout itself (which waves there are).
 */
const PINNED_FIELDS = new Set(['executionId', 'planId', 'status', 'pendingApproval', 'cleanup', 'accountContext', 'currentWave']);
const PINNED_WAVE_FIELDS = ['waveNumber', 'status', 'drsJobId', 'drsJobIds'] as const;

const same = (a: unknown, b: unknown): boolean => a === b || (a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b));

/** The patch that turns `base` into `next`; undefined when they differ in a field the header must carry itself. */
export const headerPatch = (base: HeaderFields, next: HeaderFields): HeaderPatch | undefined => {
  const patch: HeaderPatch = { set: {}, unset: [], waves: {} };
  for (const name of new Set([...Object.keys(base), ...Object.keys(next)])) {
    if (name === 'waveStatuses' || same(base[name], next[name])) continue;
    if (PINNED_FIELDS.has(name)) return undefined;
    if (next[name] === undefined) patch.unset.push(name);
    else patch.set[name] = next[name];
  }
  if (base.waveStatuses.length !== next.waveStatuses.length) return undefined;
  for (const [index, wave] of next.waveStatuses.entries()) {
    const was = base.waveStatuses[index];
    if (same(was, wave)) continue;
    if (!was || PINNED_WAVE_FIELDS.some((field) => !same(was[field], wave[field]))) return undefined;
    patch.waves[String(index)] = wave;
  }
  return patch;
};

/**
 * Whether a stored patch stays within what a solo write may change. One that touches a pinned field was not
 * written by headerPatch (a hand-made item, or a writer of another version): it is not applied, and the view
 * reads as torn, so that a view never disagrees with the index keys its header carries.
 */
export const patchKeepsPinned = (patch: HeaderPatch): boolean =>
  [...Object.keys(patch.set), ...patch.unset].every((name) => name !== 'waveStatuses' && !PINNED_FIELDS.has(name)) &&
  Object.values(patch.waves).every((wave) => typeof wave === 'object' && wave !== null);

/** `base` with `patch` applied: a new object; fields the patch unsets are absent, not undefined. */
export const applyHeaderPatch = <H extends HeaderFields>(base: H, patch: HeaderPatch): H => {
  const patched: Record<string, unknown> = { ...base, ...patch.set };
  for (const name of patch.unset) delete patched[name];
  patched.waveStatuses = base.waveStatuses.map((wave, index) => patch.waves[String(index)] ?? wave);
  return patched as H;
};
