/**
 * First half of the spec compiler: a schema-valid spec becomes a tree of plain tile nodes with
 * references split into id and name, durations in designer units, and the JSON pointer of each
 * node, so the second half (building) and its errors need no knowledge of the spec's syntax.
 */
import { InputError, escapePointerToken } from '../errors.js';
import { parseGuid } from '../util/guid.js';
import type {
  EmailTileSpec,
  SpecDuration,
  SpecRef,
  SpecSegmentRef,
  SplitBranchSpec,
  SplitTileSpec,
  TileSpec,
} from './specTypes.js';

/** A record reference after normalisation: an id, a name, or both. */
export interface NormalizedRef {
  id: string | null;
  name?: string;
  /** Tile title (defaults to the name). */
  title?: string;
  handle?: string;
  /** Segment unique name (`DciSegmentName`). */
  uniqueName?: string;
  /** Where the reference is in the spec. */
  pointer: string;
}

/** A duration in the designer's units. */
export interface NormalizedDuration {
  value: number;
  unit: 'Minute' | 'Hour' | 'Day' | 'Week' | 'Month';
}

/** The record types an email tile nests. */
export type NestedItemType = 'LandingPage' | 'Event' | 'MarketingForm' | 'Survey';

/** Tile kinds that only reference one record. */
export type RecordTileType = 'InvokeWorkflow' | 'CreateLead' | 'RecordUpdate' | 'LinkedInCampaign' | NestedItemType;

/** One normalised tile. */
export type TileNode =
  | { kind: 'segment'; pointer: string; title?: string; handle?: string; merge: 'Union' | 'Intersection'; include: NormalizedRef[]; exclude: NormalizedRef[] }
  | { kind: 'email'; pointer: string; ref: NormalizedRef; nested: { type: NestedItemType; ref: NormalizedRef }[] }
  | {
      kind: 'trigger';
      pointer: string;
      title?: string;
      handle?: string;
      conditions: { item: string; condition: string; pointer: string }[];
      logic: 'AND' | 'OR';
      timeout: NormalizedDuration;
      yes: TileNode[];
      no: TileNode[];
    }
  | { kind: 'wait'; pointer: string; title?: string; handle?: string; for?: NormalizedDuration; until?: string }
  | { kind: 'split'; pointer: string; title?: string; handle?: string; branches: { title?: string; pointer: string; tiles: TileNode[] }[] }
  | { kind: 'activity'; pointer: string; ref: NormalizedRef; activityType: 'phonecall' | 'task' | 'appointment' }
  | { kind: 'record'; pointer: string; type: RecordTileType; ref: NormalizedRef }
  | { kind: 'custom'; pointer: string; type: string; ref: NormalizedRef; properties: Record<string, unknown> };

/** A record id without braces, lower-case, as the designer writes it (other strings unchanged). */
function normalizeId(id: string): string {
  return parseGuid(id) ?? id;
}

const at = (base: string, ...tokens: (string | number)[]): string => base + tokens.map((t) => `/${escapePointerToken(t)}`).join('');

/** Normalise a reference: a GUID string is an id, any other string a name. */
export function normalizeRef(ref: SpecRef | SpecSegmentRef | undefined, pointer: string): NormalizedRef {
  if (ref === undefined) return { id: null, pointer };
  if (typeof ref === 'string') return parseGuid(ref) !== undefined ? { id: normalizeId(ref), pointer } : { id: null, name: ref, pointer };
  const out: NormalizedRef = { id: ref.id === undefined ? null : normalizeId(ref.id), pointer };
  if (ref.name !== undefined) out.name = ref.name;
  if (ref.title !== undefined) out.title = ref.title;
  if (ref.handle !== undefined) out.handle = ref.handle;
  if ('uniqueName' in ref && typeof ref.uniqueName === 'string') out.uniqueName = ref.uniqueName;
  return out;
}

const UNIT_BY_SUFFIX: ReadonlyMap<string, NormalizedDuration['unit']> = new Map([
  ['m', 'Minute'], ['min', 'Minute'], ['mins', 'Minute'], ['minute', 'Minute'], ['minutes', 'Minute'],
  ['h', 'Hour'], ['hour', 'Hour'], ['hours', 'Hour'],
  ['d', 'Day'], ['day', 'Day'], ['days', 'Day'],
  ['w', 'Week'], ['week', 'Week'], ['weeks', 'Week'],
  ['mo', 'Month'], ['month', 'Month'], ['months', 'Month'],
]);

/**
 * Parse a spec duration (`30m`, `2h`, `5d`, `1w`, `1mo`, or a number of days).
 * @throws InputError at `pointer` for anything else
 */
export function parseDuration(value: SpecDuration, pointer: string, file?: string): NormalizedDuration {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return { value, unit: 'Day' };
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(value) : null;
  const unit = match ? UNIT_BY_SUFFIX.get(match[2]!.toLowerCase()) : undefined;
  if (!match || !unit) {
    throw new InputError(`${JSON.stringify(value)} is not a duration`, { ...(file === undefined ? {} : { file }), pointer }, {
      hint: 'write a number and a unit: 30m, 2h, 5d, 1w or 1mo',
    });
  }
  return { value: Number(match[1]), unit };
}

/** Trigger timeouts are in hours or days in the designer (msdyncrm_triggeractivity.msdyncrm_timeoutunit). */
function triggerTimeout(duration: NormalizedDuration, pointer: string, file?: string): NormalizedDuration {
  if (duration.unit === 'Hour' || duration.unit === 'Day') return duration;
  if (duration.unit === 'Week') return { value: duration.value * 7, unit: 'Day' };
  throw new InputError(`a trigger timeout is in hours or days, not ${duration.unit.toLowerCase()}s`, {
    ...(file === undefined ? {} : { file }),
    pointer,
  }, { hint: 'write the timeout as e.g. 12h or 5d' });
}

/** The single key of a tile object (the schema guarantees there is exactly one). */
function tileKey(tile: TileSpec): string {
  return Object.keys(tile)[0]!;
}

function nestedRefs(email: EmailTileSpec, pointer: string): { type: NestedItemType; ref: NormalizedRef }[] {
  const out: { type: NestedItemType; ref: NormalizedRef }[] = [];
  const groups: [NestedItemType, keyof EmailTileSpec, keyof EmailTileSpec][] = [
    ['LandingPage', 'page', 'pages'],
    ['Event', 'event', 'events'],
    ['MarketingForm', 'form', 'forms'],
    ['Survey', 'survey', 'surveys'],
  ];
  for (const [type, single, many] of groups) {
    const one = email[single] as SpecRef | undefined;
    if (one !== undefined) out.push({ type, ref: normalizeRef(one, at(pointer, single)) });
    const list = email[many] as SpecRef[] | undefined;
    list?.forEach((ref, i) => out.push({ type, ref: normalizeRef(ref, at(pointer, many, i)) }));
  }
  return out;
}

const RECORD_TILES: Readonly<Record<string, RecordTileType>> = Object.freeze({
  workflow: 'InvokeWorkflow',
  lead: 'CreateLead',
  recordUpdate: 'RecordUpdate',
  linkedIn: 'LinkedInCampaign',
  page: 'LandingPage',
  event: 'Event',
  form: 'MarketingForm',
  survey: 'Survey',
});

/** Normalise a list of tiles found at `pointer`. */
export function normalizeTiles(tiles: readonly TileSpec[], pointer: string, file?: string): TileNode[] {
  return tiles.map((tile, i) => normalizeTile(tile, at(pointer, i), file));
}

/** The optional title and handle of a tile, only those it has. */
function titleAndHandle(tile: { title?: string; handle?: string }): { title?: string; handle?: string } {
  return {
    ...(tile.title === undefined ? {} : { title: tile.title }),
    ...(tile.handle === undefined ? {} : { handle: tile.handle }),
  };
}

function normalizeTile(tile: TileSpec, tilePointer: string, file?: string): TileNode {
  const key = tileKey(tile);
  const value = (tile as Record<string, unknown>)[key];
  const pointer = at(tilePointer, key);
  switch (key) {
    case 'segment': {
      const s = value as Extract<TileSpec, { segment: unknown }>['segment'];
      return {
        kind: 'segment',
        pointer,
        ...titleAndHandle(s),
        merge: s.merge === 'intersection' ? 'Intersection' : 'Union',
        include: (s.include ?? []).map((r, i) => normalizeRef(r, at(pointer, 'include', i))),
        exclude: (s.exclude ?? []).map((r, i) => normalizeRef(r, at(pointer, 'exclude', i))),
      };
    }
    case 'email': {
      const e = value as EmailTileSpec | string;
      if (typeof e === 'string') return { kind: 'email', pointer, ref: normalizeRef(e, pointer), nested: [] };
      return { kind: 'email', pointer, ref: normalizeRef(e, pointer), nested: nestedRefs(e, pointer) };
    }
    case 'trigger': {
      const t = value as Extract<TileSpec, { trigger: unknown }>['trigger'];
      const timeoutPointer = at(pointer, 'timeout');
      return {
        kind: 'trigger',
        pointer,
        ...titleAndHandle(t),
        conditions: t.when.map((c, i) => ({ item: c.item, condition: c.condition, pointer: at(pointer, 'when', i, 'item') })),
        logic: t.logic === 'or' ? 'OR' : 'AND',
        timeout: triggerTimeout(parseDuration(t.timeout ?? '1d', timeoutPointer, file), timeoutPointer, file),
        yes: normalizeTiles(t.yes ?? [], at(pointer, 'yes'), file),
        no: normalizeTiles(t.no ?? [], at(pointer, 'no'), file),
      };
    }
    case 'wait': {
      const w = value as Extract<TileSpec, { wait: unknown }>['wait'];
      return {
        kind: 'wait',
        pointer,
        ...titleAndHandle(w),
        ...(w.for === undefined ? {} : { for: parseDuration(w.for, at(pointer, 'for'), file) }),
        ...(w.until === undefined ? {} : { until: w.until }),
      };
    }
    case 'split': {
      const s = value as SplitTileSpec;
      const branches = Array.isArray(s) ? s : s.branches;
      const branchesPointer = Array.isArray(s) ? pointer : at(pointer, 'branches');
      return {
        kind: 'split',
        pointer,
        ...(Array.isArray(s) ? {} : titleAndHandle(s)),
        branches: branches.map((b: SplitBranchSpec, i) => {
          const bp = at(branchesPointer, i);
          return Array.isArray(b)
            ? { pointer: bp, tiles: normalizeTiles(b, bp, file) }
            : { pointer: bp, ...(b.title === undefined ? {} : { title: b.title }), tiles: normalizeTiles(b.tiles, at(bp, 'tiles'), file) };
        }),
      };
    }
    case 'activity': {
      const a = value as Extract<TileSpec, { activity: unknown }>['activity'];
      const activityType = typeof a === 'string' ? 'phonecall' : (a.type ?? 'phonecall');
      return { kind: 'activity', pointer, ref: normalizeRef(a, pointer), activityType };
    }
    case 'custom': {
      const c = value as Extract<TileSpec, { custom: unknown }>['custom'];
      return { kind: 'custom', pointer, type: c.type, ref: normalizeRef(c, pointer), properties: c.properties ?? {} };
    }
    default: {
      const type = RECORD_TILES[key];
      if (!type) {
        // The schema rejects unknown keys first; this guards callers that skipped it.
        throw new InputError(`unknown tile kind "${key}"`, { ...(file === undefined ? {} : { file }), pointer: tilePointer });
      }
      return { kind: 'record', pointer, type, ref: normalizeRef(value as SpecRef, pointer) };
    }
  }
}
