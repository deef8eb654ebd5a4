/**
 * fast-check generators for journeys. `arbitraryJourneyRecipe()` makes a random valid tile tree
 * (swimlanes, chains, triggers with yes/no branches, splitters, every tile type);
 * `buildJourney(recipe)` drives the builder with it; `arbitraryJourney()` does both.
 * Other suites can reuse them to feed validators, the emulator or the CLI with realistic input.
 */
import fc from 'fast-check';
import { journey, type BuiltJourney, type Flow, type ItemHandle, type RecordRef } from '../../src/definition/index.js';

/** A tile that does not branch; the chain continues after it. */
export type LinearTileRecipe =
  | { kind: 'segmentGroup'; merge: 'Union' | 'Intersection'; include: RecordRef[]; exclude: RecordRef[] }
  | { kind: 'email'; ref: RecordRef; pages: RecordRef[]; events: RecordRef[]; forms: RecordRef[]; surveys: RecordRef[] }
  | { kind: 'waitFor'; value: number; unit: 'Minute' | 'Hour' | 'Day' | 'Week' | 'Month' }
  | { kind: 'waitUntil'; until: string }
  | { kind: 'createActivity'; activityType: 'phonecall' | 'task' | 'appointment'; ref: RecordRef }
  | { kind: 'launchWorkflow' | 'createLead' | 'recordUpdate' | 'linkedInCampaign' | 'page' | 'event' | 'form' | 'survey'; ref: RecordRef }
  | { kind: 'custom'; type: string; ref: RecordRef; properties: Record<string, unknown> };

/** A tile that branches; the chain ends with it and continues in its branches. */
export type BranchingTileRecipe =
  | {
      kind: 'trigger';
      /** Indexes (modulo the number of items made so far) of the items the conditions watch. */
      watch: { pick: number; condition: string }[];
      logic: 'AND' | 'OR';
      timeout: { value: number; unit: 'Hour' | 'Day' };
      yes: ChainRecipe;
      no: ChainRecipe;
    }
  | { kind: 'splitter'; branches: ChainRecipe[] };

/** A sequence of tiles, each following the previous one, optionally ending in a branching tile. */
export interface ChainRecipe {
  tiles: LinearTileRecipe[];
  end: BranchingTileRecipe | null;
}

/** A whole journey: its target and its swimlanes under the root. */
export interface JourneyRecipe {
  target: 'contact' | 'account';
  lanes: ChainRecipe[];
}

const guid = fc.uuid({ version: 4 });
const name = fc.string({ minLength: 1, maxLength: 20 });

/** A referenced record: id or not, name or not, sometimes a user title and a description. */
export const arbitraryRecordRef: fc.Arbitrary<RecordRef> = fc.record(
  { id: fc.option(guid, { nil: null }), name, title: name, description: fc.string({ maxLength: 10 }) },
  { requiredKeys: [] },
);

const refs = (max: number) => fc.array(arbitraryRecordRef, { maxLength: max });

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Whether a JSON value survives the text round trip as the same value: no `-0` (JSON writes 0)
 * and no keys the parser rejects (fast-check generates both on purpose).
 */
function isPlainJsonValue(value: unknown): boolean {
  if (Object.is(value, -0)) return false;
  if (Array.isArray(value)) return value.every(isPlainJsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.keys(value).every((k) => !FORBIDDEN_KEYS.has(k) && isPlainJsonValue((value as Record<string, unknown>)[k]));
  }
  return true;
}

/** Unknown-property values a custom tile may carry (plain JSON, safe keys). */
const customProperties = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }).map((k) => `x_${k}`),
  fc.jsonValue({ maxDepth: 2 }).filter(isPlainJsonValue),
  { maxKeys: 3 },
);

export const arbitraryLinearTile: fc.Arbitrary<LinearTileRecipe> = fc.oneof(
  fc.record({
    kind: fc.constant('segmentGroup' as const),
    merge: fc.constantFrom('Union' as const, 'Intersection' as const),
    include: fc.array(arbitraryRecordRef, { minLength: 1, maxLength: 3 }),
    exclude: refs(2),
  }),
  fc.record({ kind: fc.constant('email' as const), ref: arbitraryRecordRef, pages: refs(2), events: refs(1), forms: refs(1), surveys: refs(1) }),
  fc.record({
    kind: fc.constant('waitFor' as const),
    value: fc.integer({ min: 1, max: 365 }),
    unit: fc.constantFrom('Minute' as const, 'Hour' as const, 'Day' as const, 'Week' as const, 'Month' as const),
  }),
  fc.record({
    kind: fc.constant('waitUntil' as const),
    until: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  }),
  fc.record({
    kind: fc.constant('createActivity' as const),
    activityType: fc.constantFrom('phonecall' as const, 'task' as const, 'appointment' as const),
    ref: arbitraryRecordRef,
  }),
  fc.record({
    kind: fc.constantFrom(
      'launchWorkflow' as const,
      'createLead' as const,
      'recordUpdate' as const,
      'linkedInCampaign' as const,
      'page' as const,
      'event' as const,
      'form' as const,
      'survey' as const,
    ),
    ref: arbitraryRecordRef,
  }),
  fc.record({
    kind: fc.constant('custom' as const),
    type: fc.constantFrom('cr65f_SmsTile', 'new_WhatsAppTile', 'contoso_PushTile'),
    ref: arbitraryRecordRef,
    properties: customProperties,
  }),
);

/**
 * A random valid tile tree. `maxDepth` bounds the nesting of branching tiles; chains hold up to
 * `maxChain` linear tiles.
 */
export function arbitraryJourneyRecipe(options: { maxDepth?: number; maxChain?: number; maxLanes?: number } = {}): fc.Arbitrary<JourneyRecipe> {
  const maxChain = options.maxChain ?? 4;
  const chainAt = (depth: number): fc.Arbitrary<ChainRecipe> => {
    const end: fc.Arbitrary<BranchingTileRecipe | null> =
      depth <= 0
        ? fc.constant(null)
        : fc.oneof(
            { arbitrary: fc.constant(null), weight: 2 },
            {
              arbitrary: fc.record({
                kind: fc.constant('trigger' as const),
                watch: fc.array(
                  fc.record({ pick: fc.nat(), condition: fc.constantFrom('EmailOpened', 'EmailClicked', 'UserRegistered', 'FormSubmitted') }),
                  { minLength: 1, maxLength: 3 },
                ),
                logic: fc.constantFrom('AND' as const, 'OR' as const),
                timeout: fc.record({ value: fc.integer({ min: 1, max: 30 }), unit: fc.constantFrom('Hour' as const, 'Day' as const) }),
                yes: chainAt(depth - 1),
                no: chainAt(depth - 1),
              }),
              weight: 1,
            },
            {
              arbitrary: fc.record({ kind: fc.constant('splitter' as const), branches: fc.array(chainAt(depth - 1), { minLength: 2, maxLength: 3 }) }),
              weight: 1,
            },
          );
    return fc.record({ tiles: fc.array(arbitraryLinearTile, { maxLength: maxChain }), end });
  };
  return fc.record({
    target: fc.constantFrom('contact' as const, 'account' as const),
    lanes: fc.array(chainAt(options.maxDepth ?? 3), { minLength: 1, maxLength: options.maxLanes ?? 3 }),
  });
}

/** What {@link buildJourney} made, with counts to check the definition against. */
export interface BuiltRecipe extends BuiltJourney {
  /** Activities the recipe asked for (root, tiles, splitter branches, empty placeholders). */
  expectedActivities: number;
  /** Triggers made, with their ActivityIds. */
  triggerIds: string[];
}

/** Drives the builder with a recipe. */
export function buildJourney(recipe: JourneyRecipe): BuiltRecipe {
  const j = journey({ target: recipe.target });
  const handles: ItemHandle[] = [j.header];
  const triggerIds: string[] = [];
  let expected = 1;

  const runChain = (flow: Flow, chain: ChainRecipe): boolean => {
    let at = flow;
    for (const tile of chain.tiles) {
      at = addLinear(at, tile);
      expected++;
    }
    if (chain.end?.kind === 'trigger') {
      const spec = chain.end;
      const trigger = at.trigger({
        when: spec.watch.map((w) => ({ item: handles[w.pick % handles.length]!, condition: w.condition })),
        logic: spec.logic,
        timeout: spec.timeout,
      });
      expected++;
      handles.push(trigger.header);
      triggerIds.push(trigger.activityId);
      // An empty branch gets an `empty` placeholder at build().
      if (!runChain(trigger.yes, spec.yes)) expected++;
      if (!runChain(trigger.no, spec.no)) expected++;
    } else if (chain.end?.kind === 'splitter') {
      const splitter = at.splitter();
      expected++;
      handles.push(splitter.header);
      for (const branch of chain.end.branches) {
        const tile = splitter.branch();
        expected++;
        handles.push(tile.header);
        runChain(tile, branch);
      }
    }
    return chain.tiles.length > 0 || chain.end !== null;
  };

  const addLinear = (flow: Flow, tile: LinearTileRecipe): Flow => {
    switch (tile.kind) {
      case 'segmentGroup': {
        const group = flow.segmentGroup({ merge: tile.merge });
        handles.push(group.header);
        for (const s of tile.include) handles.push(group.include(s));
        for (const s of tile.exclude) handles.push(group.exclude(s));
        return group;
      }
      case 'email': {
        const email = flow.email(tile.ref);
        handles.push(email.header);
        for (const p of tile.pages) handles.push(email.addPage(p));
        for (const e of tile.events) handles.push(email.addEvent(e));
        for (const f of tile.forms) handles.push(email.addForm(f));
        for (const s of tile.surveys) handles.push(email.addSurvey(s));
        return email;
      }
      case 'waitFor':
        return remember(flow.waitFor({ value: tile.value, unit: tile.unit }));
      case 'waitUntil':
        return remember(flow.waitUntil({ until: tile.until }));
      case 'createActivity':
        return remember(flow.createActivity({ ...tile.ref, activityType: tile.activityType }));
      case 'custom':
        return remember(flow.custom({ ...tile.ref, type: tile.type, properties: tile.properties }));
      default:
        return remember(flow[tile.kind](tile.ref));
    }
  };
  const remember = <T extends Flow & { header: ItemHandle }>(tile: T): T => {
    handles.push(tile.header);
    return tile;
  };

  for (const lane of recipe.lanes) runChain(j, lane);
  return { ...j.build(), expectedActivities: expected, triggerIds };
}

/** Random valid journeys built with the builder. */
export function arbitraryJourney(options?: Parameters<typeof arbitraryJourneyRecipe>[0]): fc.Arbitrary<BuiltRecipe> {
  return arbitraryJourneyRecipe(options).map(buildJourney);
}
