import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import { cleanupPending } from '../../../projections/cleanupView';
import type { ExecutionView, ServerExecutionView, WaveView } from '../../../projections/executionView';
import { canonicalJson } from '../../domain/ledger/canonicalJson';
import { applyHeaderPatch, patchKeepsPinned, type HeaderPatch } from './executionViewPatch';
import type { Item } from './marshalEvent';

/**
 * The execution-views table holds each execution's view in bounded items under its executionId:
 *
 *   HEADER     everything but the per-server rows (waveStatuses included, without their long reasons),
 *              plus `writeId` (the write that committed it) and `waveWrites` (the writeId of each wave's
 *              item that write committed, in waveStatuses order). Only the header carries `runningStatus`.
 *   WAVE#0001  that wave's servers (gzipped JSON), in the view's order, and the wave's `failureReason`,
 *              with `seq` and `writeId` of the write that wrote the item. The item of the header's
 *              currentWave may also be a solo write's (executionViewWrite.ts): then it carries `base`, the
 *              header's writeId it extends, and `headerPatch` (gzipped JSON), what it changes of that header.
 *
 * One item per execution grew about 170 bytes a server and stopped fitting in 400 KB above about 2,300
 * servers; a wave holds at most 200 servers, so each item stays far below it.
 */
export const VIEW_ATTRIBUTES = {
  executionId: 'executionId',
  item: 'item',
  seq: 'seq',
  /** A random id per write: what the next writer's condition names (a seq can be written twice, by a rebuild). */
  writeId: 'writeId',
  waveWrites: 'waveWrites',
  servers: 'servers',
  /** On a solo wave item: the writeId of the committed header it extends. */
  base: 'base',
  /** On a solo wave item: its HeaderPatch, gzipped JSON. */
  headerPatch: 'headerPatch',
  /** 'RUNNING' on the header while the view's status is RUNNING, absent otherwise: the sparse index's key. */
  runningStatus: 'runningStatus',
} as const;

export const HEADER_ITEM = 'HEADER';
export const RUNNING = 'RUNNING';
/**
 * The sparse index's other key: a PAUSED view whose approval has a deadline, so that the scheduled find can apply
 * the approval's onTimeout without a Scan.
 */
export const APPROVAL_DEADLINE = 'APPROVAL_DEADLINE';

/** The sparse index's third key: an ended DRILL whose cleanup has not completed (find drives it). */
export const CLEANUP_PENDING = 'CLEANUP_PENDING';

/** The header's index key, if the view is one find must visit. */
const indexKeyOf = (header: ViewHeader): string | undefined =>
  header.status === RUNNING
    ? RUNNING
    : header.status === 'PAUSED' && header.pendingApproval?.deadline !== undefined
      ? APPROVAL_DEADLINE
      : cleanupPending(header)
        ? CLEANUP_PENDING
        : undefined;

const WAVE_ITEM_PREFIX = 'WAVE#';
/** WAVE#0001 ...: sorts after HEADER and in wave order, so one Query reads the header first and the waves in order. */
export const waveItemKey = (waveNumber: number): string => `${WAVE_ITEM_PREFIX}${String(waveNumber).padStart(4, '0')}`;
export const isWaveItemKey = (key: string): boolean => key.startsWith(WAVE_ITEM_PREFIX);

/**
 * The one wave item a header lets be written alone (the wave in progress, whose polls change nothing else but
 * a few header fields): every write over a read of that header writes it, so any two such writes contend on it.
 */
export const soloKeyOf = (header: Pick<ViewHeader, 'currentWave' | 'waveStatuses'>): string | undefined =>
  Array.isArray(header.waveStatuses) && header.waveStatuses.some((wave) => wave.waveNumber === header.currentWave)
    ? waveItemKey(header.currentWave)
    : undefined;

/**
 * WaveView fields kept in the wave's item rather than the header: a failed wave's reason names every failed
 * server with its reason (up to 200 x 512 bytes), which would crowd the header that find reads for many
 * executions at once.
 */
const WAVE_FIELDS_IN_WAVE_ITEM = ['failureReason'] as const;
type WaveFieldInWaveItem = (typeof WAVE_FIELDS_IN_WAVE_ITEM)[number];

/** What a wave's item holds besides its keys and version: compared to decide whether to write it. */
export interface WaveContent extends Partial<Pick<WaveView, WaveFieldInWaveItem>> {
  servers: ServerExecutionView[];
}

export type ViewHeader = Omit<ExecutionView, 'serverExecutions'>;

export interface WavePart {
  waveNumber: number;
  key: string;
  content: WaveContent;
}

/** A view that cannot be laid out in items (a bug in whoever built it, not bad data from outside). */
export class ViewLayoutError extends Error {
  constructor(executionId: string, reason: string) {
    super(`Execution ${executionId}: the view cannot be stored: ${reason}`);
    this.name = 'ViewLayoutError';
  }
}

const MARSHALL_OPTIONS = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;

const withoutWaveItemFields = (wave: WaveView): WaveView => {
  const kept: Partial<WaveView> = { ...wave };
  for (const field of WAVE_FIELDS_IN_WAVE_ITEM) delete kept[field];
  return kept as WaveView;
};

/**
 * The header and one part per wave. Servers are grouped by wave in the view's order, so reading the parts
 * back in wave order gives the same serverExecutions: that order must already be wave order (it is: the
 * projector lists servers plan order, wave by wave).
 */
export const splitView = (view: ExecutionView): { header: ViewHeader; waves: WavePart[] } => {
  const { serverExecutions, ...rest } = view;
  const waves: WavePart[] = view.waveStatuses.map((wave) => {
    const content: WaveContent = { servers: [] };
    for (const field of WAVE_FIELDS_IN_WAVE_ITEM) if (wave[field] !== undefined) content[field] = wave[field];
    return { waveNumber: wave.waveNumber, key: waveItemKey(wave.waveNumber), content };
  });
  if (new Set(waves.map((wave) => wave.waveNumber)).size !== waves.length) {
    throw new ViewLayoutError(view.executionId, 'two waves have the same waveNumber');
  }
  let index = 0;
  for (const server of serverExecutions) {
    while (index < waves.length && waves[index]?.waveNumber !== server.waveNumber) index += 1;
    const wave = waves[index];
    if (!wave)
      throw new ViewLayoutError(
        view.executionId,
        `server ${server.serverId} of wave ${server.waveNumber} is out of wave order or in no wave`,
      );
    wave.content.servers.push(server);
  }
  return { header: { ...rest, waveStatuses: view.waveStatuses.map(withoutWaveItemFields) }, waves };
};

/**
 * Whether two wave contents are the same data. The fold keeps the objects of servers it did not change, so
 * most waves compare by reference; the rest as canonical JSON (key order and undefined members do not count).
 */
export const sameWaveContent = (a: WaveContent, b: WaveContent): boolean => {
  if (a.servers.length !== b.servers.length) return false;
  const sameServers = a.servers.every((server, index) => server === b.servers[index]);
  const sameFields = WAVE_FIELDS_IN_WAVE_ITEM.every((field) => a[field] === b[field]);
  return (sameServers && sameFields) || canonicalJson(a) === canonicalJson(b);
};

export const headerItem = (header: ViewHeader, writeId: string, waveWrites: readonly string[]): Item =>
  marshall(
    {
      ...header,
      [VIEW_ATTRIBUTES.item]: HEADER_ITEM,
      [VIEW_ATTRIBUTES.writeId]: writeId,
      [VIEW_ATTRIBUTES.waveWrites]: waveWrites,
      ...(indexKeyOf(header) ? { [VIEW_ATTRIBUTES.runningStatus]: indexKeyOf(header) } : {}),
    },
    MARSHALL_OPTIONS,
  );

/**
 * A wave's servers as one gzipped JSON value: as attributes, every row repeated its field names and map
 * overhead (about 60 bytes a server), and a 4,000-server execution no longer fit one 1 MB Query page, the
 * one request get_execution_details reads its view with.
 */
const packServers = (servers: readonly ServerExecutionView[]): Buffer => gzipSync(Buffer.from(JSON.stringify(servers), 'utf8'));

const unpackServers = (value: unknown): ServerExecutionView[] => {
  if (value instanceof Uint8Array) return JSON.parse(gunzipSync(value).toString('utf8')) as ServerExecutionView[];
  return Array.isArray(value) ? (value as ServerExecutionView[]) : [];
};

const packPatch = (patch: HeaderPatch): Buffer => gzipSync(Buffer.from(JSON.stringify(patch), 'utf8'));

const unpackPatch = (value: unknown): HeaderPatch | undefined =>
  value instanceof Uint8Array ? (JSON.parse(gunzipSync(value).toString('utf8')) as HeaderPatch) : undefined;

/** A solo write's link to the committed header it extends. */
export interface SoloOf {
  base: string;
  patch: HeaderPatch;
}

export const waveItem = (executionId: string, part: WavePart, seq: number, writeId: string, solo?: SoloOf): Item =>
  marshall(
    {
      [VIEW_ATTRIBUTES.executionId]: executionId,
      [VIEW_ATTRIBUTES.item]: part.key,
      [VIEW_ATTRIBUTES.seq]: seq,
      [VIEW_ATTRIBUTES.writeId]: writeId,
      ...part.content,
      [VIEW_ATTRIBUTES.servers]: packServers(part.content.servers),
      ...(solo ? { [VIEW_ATTRIBUTES.base]: solo.base, [VIEW_ATTRIBUTES.headerPatch]: packPatch(solo.patch) } : {}),
    },
    MARSHALL_OPTIONS,
  );

/** Every item of a view written from nothing, with one writeId: for seeding tables in tests and benches. */
export const viewItems = (view: ExecutionView, writeId = 'seeded'): Item[] => {
  const { header, waves } = splitView(view);
  return [
    headerItem(
      header,
      writeId,
      waves.map(() => writeId),
    ),
    ...waves.map((part) => waveItem(view.executionId, part, view.seq, writeId)),
  ];
};

/** A stored wave item as a writer needs to know it: which write wrote it, at what seq, with what content. */
export interface StoredWave {
  /** Undefined only on an item altered by hand. */
  writeId?: string;
  seq: number;
  /** The same objects as the assembled view's, when there is one: no second copy. */
  content: WaveContent;
  /** A solo write's link to its header (see SoloOf). */
  solo?: SoloOf;
}

/** What a read saw, for the conditions of the write that follows it. */
export interface StoredParts {
  /**
   * Absent when there is no header; its writeId is undefined only on a header altered by hand. `fields` are the
   * header's own (no solo patch applied), `whole` whether the view assembled, and `seq` the view's.
   */
  header?: { writeId?: string; fields?: ViewHeader; whole?: boolean; seq?: number };
  /** By item key. */
  waves: ReadonlyMap<string, StoredWave>;
}

export interface AssembledView {
  /** Undefined when the items do not agree with the header (or there is none). */
  view: ExecutionView | undefined;
  /** The view's seq (its solo item's when one extends the header); the header's when torn; 0 without a header. */
  seq: number;
  parts: StoredParts;
}

const storeAttributes: readonly string[] = [
  VIEW_ATTRIBUTES.item,
  VIEW_ATTRIBUTES.writeId,
  VIEW_ATTRIBUTES.waveWrites,
  VIEW_ATTRIBUTES.runningStatus,
];

const waveContentOf = (item: Item): WaveContent => {
  const { [VIEW_ATTRIBUTES.servers]: servers, ...rest } = unmarshall(item) as Record<string, unknown>;
  const content: WaveContent = { servers: unpackServers(servers) };
  for (const field of WAVE_FIELDS_IN_WAVE_ITEM) if (typeof rest[field] === 'string') content[field] = rest[field];
  return content;
};

/**
 * Puts an execution's items back together. The header is the commit point: the view is whole only if every
 * wave named by its `waveWrites` is stored as exactly that write. A wave item written by a write whose
 * header never landed (one in progress, one that crashed, one that lost the race for the header) makes the
 * view untrustworthy at the header's seq: `view` is then undefined and readers fold the ledger instead.
 */
export const assembleView = (header: Item | undefined, waveItemsByKey: ReadonlyMap<string, Item>): AssembledView => {
  const waves = new Map<string, StoredWave>();
  for (const [key, item] of waveItemsByKey) {
    const writeId = item[VIEW_ATTRIBUTES.writeId]?.S;
    const base = item[VIEW_ATTRIBUTES.base]?.S;
    const patch = unpackPatch(item[VIEW_ATTRIBUTES.headerPatch]?.B);
    waves.set(key, {
      ...(writeId === undefined ? {} : { writeId }),
      seq: Number(item[VIEW_ATTRIBUTES.seq]?.N ?? 0),
      content: waveContentOf(item),
      ...(base !== undefined && patch ? { solo: { base, patch } } : {}),
    });
  }
  if (!header) return { view: undefined, seq: 0, parts: { waves } };

  const attributes = unmarshall(header) as Record<string, unknown>;
  const writeId = attributes[VIEW_ATTRIBUTES.writeId];
  const waveWrites = Array.isArray(attributes[VIEW_ATTRIBUTES.waveWrites]) ? (attributes[VIEW_ATTRIBUTES.waveWrites] as unknown[]) : [];
  const fields = Object.fromEntries(
    Object.entries(attributes).filter(([name]) => !storeAttributes.includes(name)),
  ) as unknown as ViewHeader;
  const seq = typeof fields.seq === 'number' ? fields.seq : 0;
  const ownHeader = { ...(typeof writeId === 'string' ? { writeId } : {}), fields };
  // A torn view counts as far as its newest item: every item's seq is an event already in the ledger, and a
  // solo write committed past the header must not be repaired back to the header's seq.
  const newest = Math.max(seq, ...[...waves.values()].map((wave) => wave.seq));
  const untrustworthy = { view: undefined, seq: newest, parts: { header: { ...ownHeader, whole: false }, waves } };
  if (!Array.isArray(fields.waveStatuses) || waveWrites.length !== fields.waveStatuses.length) return untrustworthy;

  // The solo wave item counts only over the header it extends (and only after it); any other unnamed item tears the view.
  const soloKey = soloKeyOf(fields);
  const soloItem = soloKey === undefined ? undefined : waves.get(soloKey);
  const solo = soloItem?.solo && soloItem.solo.base === writeId && soloItem.seq > seq ? soloItem.solo : undefined;
  if (solo && !patchKeepsPinned(solo.patch)) return untrustworthy;
  const current = solo ? applyHeaderPatch(fields, solo.patch) : fields;

  const waveStatuses: WaveView[] = [];
  const serverExecutions: ServerExecutionView[] = [];
  for (const [index, wave] of current.waveStatuses.entries()) {
    const key = waveItemKey(wave.waveNumber);
    const stored = waves.get(key);
    if (!stored || (stored.writeId !== waveWrites[index] && !(solo && key === soloKey))) return untrustworthy;
    const { servers, ...waveFields } = stored.content;
    waveStatuses.push({ ...wave, ...waveFields });
    serverExecutions.push(...servers);
  }
  const view = { ...current, waveStatuses, serverExecutions };
  return { view, seq: view.seq, parts: { header: { ...ownHeader, whole: true, seq: view.seq }, waves } };
};
