/**
 * Types and schemas must not drift. Each TypeScript interface has a hand-kept key list here whose
 * completeness the compiler checks (a missing or extra key fails `tsc`), and the test checks the
 * schema names exactly those keys. Property tests then check that values built from the types
 * validate, and that the definition schema accepts exactly what the parser accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { journey } from '../../src/definition/builder.js';
import { compileSpec } from '../../src/definition/spec.js';
import {
  JOURNEY_SPEC_KEYS,
  TILE_SPEC_KEYS,
  type ActivityTileSpec,
  type CustomTileSpec,
  type EmailTileSpec,
  type JourneySpec,
  type SegmentTileSpec,
  type SpecRefObject,
  type SpecSegmentRefObject,
  type TileSpec,
  type TriggerTileSpec,
  type WaitTileSpec,
} from '../../src/definition/specTypes.js';
import { TILE_TYPES, isDefinitionError, parseDefinition, type Activity, type DesignerState, type Item } from '../../src/definition/index.js';
import { loadSchema, validateAgainstSchema } from '../../src/schemas/index.js';

/** The declared keys of an interface, without its index signature. */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
/** Compiles only when `List` names every known key of `T` (and, via `satisfies`, nothing else). */
type Complete<T, List extends readonly unknown[]> = Exclude<KnownKeys<T>, List[number]> extends never ? true : never;
const complete = <T, List extends readonly unknown[]>(_: Complete<T, List>): void => undefined;

const ITEM_KEYS = ['ItemId', 'ActivityTypeId', 'Title', 'IsNameSystemDefined', 'Name', 'ActivityItemId', 'Description'] as const satisfies readonly KnownKeys<Item>[];
complete<Item, typeof ITEM_KEYS>(true);
const ACTIVITY_KEYS = ['ActivityTypeId', 'ParentActivityId', 'ParentBranchId', 'ParentRelationshipType', 'ActivityId', 'Properties', 'EntityTarget'] as const satisfies readonly KnownKeys<Activity>[];
complete<Activity, typeof ACTIVITY_KEYS>(true);
const DESIGNER_STATE_KEYS = ['NextActivityID', 'NextActivityItemID'] as const satisfies readonly KnownKeys<DesignerState>[];
complete<DesignerState, typeof DESIGNER_STATE_KEYS>(true);
complete<JourneySpec, typeof JOURNEY_SPEC_KEYS>(true);
const REF_KEYS = ['id', 'name', 'title', 'handle'] as const satisfies readonly (keyof SpecRefObject)[];
complete<SpecRefObject, typeof REF_KEYS>(true);
const SEGMENT_REF_KEYS = [...REF_KEYS, 'uniqueName'] as const satisfies readonly (keyof SpecSegmentRefObject)[];
complete<SpecSegmentRefObject, typeof SEGMENT_REF_KEYS>(true);
const SEGMENT_TILE_KEYS = ['title', 'handle', 'merge', 'include', 'exclude'] as const satisfies readonly (keyof SegmentTileSpec)[];
complete<SegmentTileSpec, typeof SEGMENT_TILE_KEYS>(true);
const EMAIL_TILE_KEYS = [...REF_KEYS, 'page', 'pages', 'event', 'events', 'form', 'forms', 'survey', 'surveys'] as const satisfies readonly (keyof EmailTileSpec)[];
complete<EmailTileSpec, typeof EMAIL_TILE_KEYS>(true);
const TRIGGER_TILE_KEYS = ['title', 'handle', 'when', 'logic', 'timeout', 'yes', 'no'] as const satisfies readonly (keyof TriggerTileSpec)[];
complete<TriggerTileSpec, typeof TRIGGER_TILE_KEYS>(true);
const WAIT_TILE_KEYS = ['title', 'handle', 'for', 'until'] as const satisfies readonly (keyof WaitTileSpec)[];
complete<WaitTileSpec, typeof WAIT_TILE_KEYS>(true);
const ACTIVITY_TILE_KEYS = [...REF_KEYS, 'type'] as const satisfies readonly (keyof ActivityTileSpec)[];
complete<ActivityTileSpec, typeof ACTIVITY_TILE_KEYS>(true);
const CUSTOM_TILE_KEYS = [...REF_KEYS, 'type', 'properties'] as const satisfies readonly (keyof CustomTileSpec)[];
complete<CustomTileSpec, typeof CUSTOM_TILE_KEYS>(true);
type TileKeys = TileSpec extends infer U ? (U extends unknown ? keyof U : never) : never;
const tileKeysComplete: Exclude<TileKeys, (typeof TILE_SPEC_KEYS)[number]> extends never ? true : never = true;

type Json = Record<string, unknown>;
const definitionSchema = loadSchema('workflow-definition') as Json;
const recordSchema = loadSchema('journey-record') as Json;
const specSchema = loadSchema('journey-spec') as Json;
const defs = (schema: Json): Record<string, Json> => schema.$defs as Record<string, Json>;
const propertyNames = (schema: Json): string[] => Object.keys((schema.properties ?? {}) as Json).sort();
/** Properties of a def, including those it pulls in through `$ref` to another def. */
function allProperties(schema: Json, root: Json): string[] {
  const own = propertyNames(schema);
  const ref = typeof schema.$ref === 'string' ? defs(root)[(schema.$ref as string).replace('#/$defs/', '')] : undefined;
  return [...new Set([...own, ...(ref ? allProperties(ref, root) : [])])].sort();
}
const sorted = (keys: readonly string[]): string[] => [...keys].sort();

describe('workflow-definition schema and the definition types', () => {
  it('names exactly the Item and Activity properties', () => {
    expect(tileKeysComplete).toBe(true);
    expect(propertyNames(defs(definitionSchema).item!)).toEqual(sorted(ITEM_KEYS));
    expect(propertyNames(defs(definitionSchema).activity!)).toEqual(sorted(ACTIVITY_KEYS));
  });

  it('lists the same known tile types', () => {
    expect(defs(definitionSchema).knownTileType!.enum).toEqual([...TILE_TYPES]);
  });

  it('requires what the parser requires', () => {
    expect(sorted(defs(definitionSchema).activity!.required as string[])).toEqual(
      sorted(['ActivityTypeId', 'ParentBranchId', 'ParentRelationshipType', 'ActivityId', 'Properties']),
    );
    expect(sorted(defs(definitionSchema).item!.required as string[])).toEqual(sorted(['ActivityTypeId', 'ActivityItemId']));
  });

  it('names the designer state counters', () => {
    expect(propertyNames(defs(recordSchema).designerState!)).toEqual(sorted(DESIGNER_STATE_KEYS));
  });
});

describe('journey-spec schema and the spec types', () => {
  it('names exactly the JourneySpec keys (plus $schema)', () => {
    expect(propertyNames(specSchema)).toEqual(sorted([...JOURNEY_SPEC_KEYS, '$schema']));
  });

  it('names exactly the tile kinds', () => {
    expect(propertyNames(defs(specSchema).tile!)).toEqual(sorted(TILE_SPEC_KEYS));
  });

  it.each([
    ['refObject', REF_KEYS],
    ['segmentTile', SEGMENT_TILE_KEYS],
    ['emailTile', EMAIL_TILE_KEYS],
    ['triggerTile', TRIGGER_TILE_KEYS],
    ['waitTile', WAIT_TILE_KEYS],
    ['activityTile', ACTIVITY_TILE_KEYS],
    ['customTile', CUSTOM_TILE_KEYS],
  ] as const)('%s names exactly its interface keys', (def, keys) => {
    expect(allProperties(defs(specSchema)[def]!, specSchema)).toEqual(sorted(keys));
  });

  it('segment references in the schema carry uniqueName like SpecSegmentRefObject', () => {
    const objectForm = (defs(specSchema).segmentRef!.anyOf as Json[])[1]!;
    expect(allProperties(objectForm, specSchema)).toEqual(sorted(SEGMENT_REF_KEYS));
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests

const guid = fc.uuid({ version: 4 });
const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,20}$/);
const ref = fc.oneof(
  name,
  guid,
  fc.record({ id: guid, name }, { requiredKeys: ['id'] }),
  fc.record({ name, title: name }, { requiredKeys: ['name'] }),
);
const duration = fc.oneof(fc.nat({ max: 30 }), fc.constantFrom('30m', '2h', '5d', '1w', '1mo', '3 days'));
const leaf: fc.Arbitrary<TileSpec> = fc.oneof(
  fc.record({ segment: fc.record({ title: name, merge: fc.constantFrom('union', 'intersection' as const), include: fc.array(ref, { maxLength: 2 }), exclude: fc.array(ref, { maxLength: 2 }) }, { requiredKeys: [] }) }),
  fc.record({ email: fc.oneof(name, fc.record({ id: guid, name, pages: fc.array(ref, { maxLength: 2 }), event: ref, form: ref, survey: ref }, { requiredKeys: ['name'] })) }),
  fc.record({ wait: fc.oneof(fc.record({ for: duration }), fc.record({ until: fc.constant('2026-10-01T08:00:00Z') })) }),
  fc.record({ activity: fc.oneof(name, fc.record({ type: fc.constantFrom('phonecall', 'task', 'appointment' as const), id: guid }, { requiredKeys: ['id'] })) }),
  fc.record({ workflow: ref }),
  fc.record({ lead: fc.oneof(name, fc.record({ title: name }, { requiredKeys: [] })) }),
  fc.record({ recordUpdate: name }),
  fc.record({ linkedIn: ref }),
  fc.record({ page: ref }),
  fc.record({ event: ref }),
  fc.record({ form: ref }),
  fc.record({ survey: ref }),
  fc.record({ custom: fc.record({ type: fc.constantFrom('Custom_sms', 'contoso_push'), id: guid }) }),
);
/** A chain: leaves, optionally ended by a trigger on the first tile or a split. */
const chain: fc.Arbitrary<TileSpec[]> = fc.letrec<{ chain: TileSpec[] }>((tie) => ({
  chain: fc
    .tuple(
      fc.array(leaf, { minLength: 1, maxLength: 4 }),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.record({ yes: tie('chain'), no: tie('chain'), timeout: fc.constantFrom('12h', '5d', 2), logic: fc.constantFrom('and', 'or' as const) }) },
        { weight: 1, arbitrary: fc.array(tie('chain'), { minLength: 1, maxLength: 3 }) },
      ),
    )
    .map(([tiles, end]) => {
      if (end === undefined) return tiles;
      const first = { ...(tiles[0] as Record<string, unknown>) };
      const kind = Object.keys(first)[0]!;
      if (Array.isArray(end)) return [...tiles, { split: end }] as TileSpec[];
      // Point the trigger at the first tile of the chain through a handle.
      const value = first[kind];
      const handled = typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value, handle: 'watched' } : value;
      if (typeof handled === 'string' || handled === value) return tiles;
      const withHandle = [{ [kind]: handled } as TileSpec, ...tiles.slice(1)];
      return [...withHandle, { trigger: { when: [{ item: 'watched', condition: 'EmailOpened' }], ...end } }] as TileSpec[];
    }),
})).chain;

const spec: fc.Arbitrary<JourneySpec> = fc.record(
  {
    name,
    target: fc.constantFrom('contact', 'account' as const),
    consent: fc.constantFrom('consent', 'marketing' as const),
    contentSettings: ref,
    recurrence: fc.record({ intervalDays: fc.nat({ max: 30 }), count: fc.nat({ max: 5 }) }),
    tiles: chain,
  },
  { requiredKeys: ['name', 'tiles'] },
);

describe('property: values built from the types satisfy the schemas', () => {
  it('specs typed as JourneySpec validate and compile to schema-valid definitions', () => {
    let triggers = 0;
    let splits = 0;
    fc.assert(
      fc.property(spec, (journeySpec) => {
        const handles = JSON.stringify(journeySpec).match(/"handle":"watched"/g)?.length ?? 0;
        // Two tiles with the same handle is a spec error by design; skip those draws.
        fc.pre(handles <= 1);
        expect(validateAgainstSchema('journey-spec', journeySpec)).toEqual([]);
        const compiled = compileSpec(journeySpec);
        if (compiled.definition.some((a) => a.ActivityTypeId === 'Trigger')) triggers++;
        if (compiled.definition.some((a) => a.ActivityTypeId === 'Splitter')) splits++;
        expect(validateAgainstSchema('workflow-definition', compiled.definition)).toEqual([]);
        expect(validateAgainstSchema('journey-record', { ...compiled.fields })).toEqual([]);
      }),
      { numRuns: 150 },
    );
    expect(triggers).toBeGreaterThan(5);
    expect(splits).toBeGreaterThan(5);
  });

  it('builder output validates against the definition schema', () => {
    const j = journey({ target: 'account' });
    const email = j.segmentGroup({ include: [{ id: '24db2671-1529-e911-a9b7-000d3a1e6adc', name: 'S' }] }).email({ name: 'E' });
    const page = email.addPage({ name: 'P' });
    const trigger = email.trigger({ when: [{ item: page, condition: 'UserRegistered' }] });
    trigger.yes.waitFor({ value: 2, unit: 'Day' }).createLead();
    const splitter = trigger.no.splitter();
    splitter.branch().launchWorkflow({ name: 'W' });
    splitter.branch().custom({ type: 'Custom_sms', id: '15bd0ab8-c12a-e911-a9b6-000d3a1e6c14' });
    const built = j.build();
    expect(validateAgainstSchema('workflow-definition', built.definition)).toEqual([]);
    expect(validateAgainstSchema('https://journeyctl.dev/schemas/journey-record.schema.json#/$defs/designerState', built.designerState)).toEqual([]);
  });
});

/** The documented example, the base every mutation starts from. */
const BASE = [
  { ActivityTypeId: 'bpf_root', ParentBranchId: 0, ParentRelationshipType: 'Default', ActivityId: '01', Properties: { Items: [{ ItemId: null, ActivityTypeId: 'bpf_root', Title: 'Undefined', IsNameSystemDefined: true, Name: 'Root', ActivityItemId: 0 }] } },
  { ActivityTypeId: 'Segment', ParentActivityId: '01', ParentBranchId: 0, ParentRelationshipType: 'Default', ActivityId: '01_0', Properties: { Items: [{ ItemId: null, ActivityTypeId: 'Segment', Title: 'Undefined', IsNameSystemDefined: false, Name: 'Customers', ActivityItemId: 23, SegmentMergeMethod: 'Union', Description: '' }] }, EntityTarget: 'contact' },
  { ActivityTypeId: 'Email', ParentActivityId: '01_0', ParentBranchId: 0, ParentRelationshipType: 'Default', ActivityId: '01_0_3', Properties: { Items: [{ ItemId: '184e5a1a-464a-e911-a873-000d3a1fe344', ActivityTypeId: 'Email', Title: 'Undefined', IsNameSystemDefined: true, Name: 'Demo email', ActivityItemId: 36, Description: '' }] }, EntityTarget: 'contact' },
];

/** A value for a documented key: usually of a plausible type, sometimes anything. */
const anyValue = fc.oneof(
  fc.constantFrom('Default', 'yesBranch', 'NOBRANCH', 'Sibling', '', '01', 'contact', 'Email'),
  fc.integer({ min: -3, max: 50 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -2, max: 2 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.constant([]),
  fc.constant({ Items: [] }),
  fc.constant({ Items: 'x' }),
);
const mutation = fc.record({
  activity: fc.nat({ max: BASE.length - 1 }),
  target: fc.constantFrom('activity', 'item', 'properties' as const),
  key: fc.constantFrom(...ACTIVITY_KEYS, ...ITEM_KEYS, 'Items', '__proto__', 'constructor', 'Unknown'),
  value: fc.option(anyValue, { nil: undefined }),
});

describe('property: the definition schema accepts exactly what the parser accepts', () => {
  it('agrees on mutated definitions (except cycles, which only the parser can see)', () => {
    const seen = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const def = structuredClone(BASE) as unknown as Record<string, unknown>[];
        for (const m of mutations) {
          const activity = def[m.activity]!;
          const properties = activity.Properties as Record<string, unknown> | undefined;
          const items = properties && Array.isArray(properties.Items) ? (properties.Items as Record<string, unknown>[]) : undefined;
          const holder = m.target === 'activity' ? activity : m.target === 'properties' ? properties : items?.[0];
          if (!holder || typeof holder !== 'object') continue;
          // defineProperty, not assignment: "__proto__" must become an own key, as JSON.parse makes it.
          if (m.value === undefined) delete holder[m.key];
          else Object.defineProperty(holder, m.key, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
        }
        const text = JSON.stringify(def);
        let parserError: unknown;
        try {
          parseDefinition(text);
        } catch (error) {
          parserError = error;
        }
        if (parserError !== undefined && !isDefinitionError(parserError)) throw parserError;
        const cycle = isDefinitionError(parserError) && /cycle|own parent/.test(parserError.message);
        fc.pre(!cycle);
        const issues = validateAgainstSchema('workflow-definition', JSON.parse(text));
        seen[parserError === undefined ? 'accepted' : 'rejected']++;
        expect({ schemaAccepts: issues.length === 0, issues }).toMatchObject({ schemaAccepts: parserError === undefined });
        if (isDefinitionError(parserError)) {
          // Both point at the same place.
          expect(issues.map((i) => i.pointer)).toContain(parserError.location.pointer);
        }
      }),
      { numRuns: 400 },
    );
    // The property means something only if both outcomes were drawn often.
    expect(seen.accepted).toBeGreaterThan(20);
    expect(seen.rejected).toBeGreaterThan(20);
  });
});
