/**
 * Workflow-definition core, each figure against the JSON built-ins doing the same work on the
 * same data, alternated round by round (target <= 3x):
 * - build + serialize a 1,000-tile journey vs JSON.parse + JSON.stringify of its text (the same
 *   object graph built natively, then written);
 * - serialize only, of a definition whose keys are out of the designer's order (as other tools
 *   write them), vs JSON.stringify with the designer's key order as its property list: both
 *   reorder every object and write the same bytes (checked);
 * - parse a ~1 MB definition vs JSON.parse; parse + serialize vs JSON.parse + JSON.stringify.
 */
import { journey, parseDefinition, serializeDefinition, type Flow, type WorkflowDefinition } from '../src/definition/index.js';
import { compare, timed, type Benchmark } from './harness.js';

/** Run `fn` `times` times: one sample covers enough work to time reliably. */
function repeat(times: number, fn: () => unknown): () => void {
  return () => {
    for (let i = 0; i < times; i++) fn();
  };
}

/** A record id that varies per tile (the generator must not emit keys or values the parser scans for). */
function id(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

const STEPS_PER_LANE = 5;

/**
 * A realistic journey of about `tiles` activities: swimlanes of segment groups, emails with
 * pages, waits, triggers on those pages with yes/no branches, splitters and activity tiles.
 */
export function largeJourney(tiles: number): WorkflowDefinition {
  // Each step nests 8 tiles deeper and designer ActivityIds grow with depth, so lanes are kept to
  // a realistic depth (about 40 tiles) and the journey grows in width.
  const j = journey({ target: 'contact' });
  let made = 1;
  let n = 0;
  while (made < tiles) {
    let at: Flow = j.segmentGroup({ include: [{ id: id(n++), name: `Segment ${n}`, uniqueName: `segment_${n}` }] });
    made++;
    for (let step = 0; step < STEPS_PER_LANE && made < tiles; step++) {
      const email = at.email({ id: id(n++), name: `Email ${n}` });
      const page = email.addPage({ id: id(n++), name: `Page ${n}` });
      const wait = email.waitFor({ value: 2, unit: 'Day' });
      const trigger = wait.trigger({ when: [{ item: page, condition: 'UserRegistered' }], timeout: { value: 5, unit: 'Day' } });
      trigger.yes.createActivity({ activityType: 'phonecall', title: `Call ${n}` });
      const split = trigger.no.splitter();
      split.branch().email({ id: id(n++), name: `Reminder ${n}` });
      const second = split.branch();
      at = second;
      made += 8;
    }
  }
  return j.build().definition;
}

/** A definition of at least `bytes` characters when serialized. */
function definitionOfSize(bytes: number): string {
  let tiles = 100;
  for (;;) {
    const text = serializeDefinition(largeJourney(tiles));
    if (text.length >= bytes) return text;
    tiles = Math.ceil(tiles * (bytes / text.length) * 1.05);
  }
}

/** The definition with the keys of every activity, Properties and item reversed: the serializer must reorder them all. */
function reversedKeys(definition: WorkflowDefinition): WorkflowDefinition {
  const reversed = <T extends object>(value: T, replace: (key: string, v: unknown) => unknown = (_k, v) => v): T => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).reverse()) out[key] = replace(key, (value as Record<string, unknown>)[key]);
    return out as T;
  };
  return definition.map((activity) =>
    reversed(activity, (key, value) =>
      key === 'Properties' ? reversed(value as object, (k, items) => (k === 'Items' ? (items as object[]).map((item) => reversed(item)) : items)) : value,
    ),
  );
}

/**
 * One property list in which every object of `canonical` has its keys in order: JSON.stringify
 * with it as the replacer writes each object's keys in the designer's order. Built from the
 * canonical text as a topological order of "a comes before b" within each object.
 */
function keyOrderOf(canonical: unknown): string[] {
  const after = new Map<string, Set<string>>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    const keys = Object.keys(value);
    keys.forEach((key, i) => {
      if (!after.has(key)) after.set(key, new Set());
      if (i > 0) after.get(keys[i - 1]!)!.add(key);
      visit((value as Record<string, unknown>)[key]);
    });
  };
  visit(canonical);
  const order: string[] = [];
  const state = new Map<string, number>();
  const place = (key: string): void => {
    if (state.get(key) === 2) return;
    if (state.get(key) === 1) throw new Error(`no single key order: cycle at ${key}`);
    state.set(key, 1);
    for (const next of after.get(key) ?? []) place(next);
    state.set(key, 2);
    order.unshift(key);
  };
  for (const key of [...after.keys()].reverse()) place(key);
  return order;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'definition: build and serialize a 1,000-tile journey',
    description:
      'The builder making a 1,000-tile journey (swimlanes of segment groups, emails with pages, waits, triggers, splitters, activity tiles) and the serializer writing it, against JSON.parse of the same definition text followed by JSON.stringify: the same object graph built natively and written. Serialize only: a definition whose every object has its keys out of the designer\'s order (reversed, as other tools may write them) written by the serializer, against JSON.stringify given the designer\'s key order as its property list, which reorders every object the same way; both produce the same bytes (checked before timing). Target: at most 3x each.',
    async run({ smoke }) {
      const tiles = smoke ? 100 : 1000;
      const times = smoke ? 2 : 10;
      const definition = largeJourney(tiles);
      const text = serializeDefinition(definition);
      const shuffled = reversedKeys(definition);
      const order = keyOrderOf(definition);
      if (serializeDefinition(shuffled) !== JSON.stringify(shuffled, order)) throw new Error('the baseline does not write what the serializer writes');
      if (serializeDefinition(shuffled) !== text) throw new Error('serializing a reordered definition changed it');
      const rounds = smoke ? 1 : 15;
      const build = await compare(
        {
          name: `build + serialize ${definition.length} tiles (${(text.length / 1024).toFixed(0)} KB)`,
          unit: 'ms',
          subject: { label: 'journey() … build() + serializeDefinition', sample: timed(repeat(times, () => serializeDefinition(largeJourney(tiles)))) },
          baseline: { label: 'JSON.parse + JSON.stringify', sample: timed(repeat(times, () => JSON.stringify(JSON.parse(text)))) },
          rounds,
          ratioTarget: { max: 3 },
        },
        { smoke },
      );
      const serialize = await compare(
        {
          name: `serialize only, ${definition.length} tiles with every key out of order`,
          unit: 'ms',
          subject: { label: 'serializeDefinition', sample: timed(repeat(times, () => serializeDefinition(shuffled))) },
          baseline: { label: 'JSON.stringify(definition, keyOrder)', sample: timed(repeat(times, () => JSON.stringify(shuffled, order))) },
          rounds,
          ratioTarget: { max: 3 },
        },
        { smoke },
      );
      return [build, serialize];
    },
  },
  {
    name: 'definition: parse a 1 MB definition',
    description:
      'parseDefinition of the stored text of a definition of about 1 MB (the column limit is 1,048,576 characters): JSON.parse plus the structural checks (types, required keys, ParentActivityId cycles, relationship casing), against JSON.parse alone; and the round trip parse + serialize against JSON.parse + JSON.stringify. Target: at most 3x.',
    async run({ smoke }) {
      const text = definitionOfSize(smoke ? 50_000 : 1_000_000);
      const times = smoke ? 2 : 5;
      const rounds = smoke ? 1 : 11;
      const activities = (JSON.parse(text) as unknown[]).length;
      const parse = await compare(
        {
          name: `parse ${(text.length / 1e6).toFixed(2)} MB (${activities} activities)`,
          unit: 'ms',
          subject: { label: 'parseDefinition', sample: timed(repeat(times, () => parseDefinition(text))) },
          baseline: { label: 'JSON.parse', sample: timed(repeat(times, () => JSON.parse(text))) },
          rounds,
          ratioTarget: { max: 3 },
        },
        { smoke },
      );
      const roundTrip = await compare(
        {
          name: 'parse + serialize (round trip)',
          unit: 'ms',
          subject: { label: 'serializeDefinition(parseDefinition())', sample: timed(repeat(times, () => serializeDefinition(parseDefinition(text)))) },
          baseline: { label: 'JSON.stringify(JSON.parse())', sample: timed(repeat(times, () => JSON.stringify(JSON.parse(text)))) },
          rounds,
          ratioTarget: { max: 3 },
        },
        { smoke },
      );
      return [parse, roundTrip];
    },
  },
];
