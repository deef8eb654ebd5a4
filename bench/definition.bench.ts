/**
 * Workflow-definition core: build + serialize a 1,000-tile journey and parse a ~1 MB definition,
 * each against the bare JSON built-in on the same data in the same run (target <= 3x).
 */
import { journey, parseDefinition, serializeDefinition, type Flow, type WorkflowDefinition } from '../src/definition/index.js';
import { type Benchmark } from './harness.js';
import { medianMs, timeResult } from './legacy.js';

/**
 * Medians of two functions measured in alternating rounds, so that load from other processes on
 * a shared machine affects both sides alike.
 */
async function pairedMedians(ours: () => unknown, baseline: () => unknown, rounds: number, perRound: number): Promise<[number, number]> {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(await medianMs(ours, perRound, r === 0 ? 2 : 0));
    b.push(await medianMs(baseline, perRound, r === 0 ? 2 : 0));
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [median(a), median(b)];
}

/** The target (<= 3x); smoke runs are too short and too cold to judge it. */
function target(smoke: boolean): number | undefined {
  return smoke ? undefined : 3;
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

export const benchmarks: Benchmark[] = [
  {
    name: 'definition: build + serialize a 1,000-tile journey',
    description: 'Transitional: not yet rewritten on compare().',
    async run({ smoke }) {
      const tiles = smoke ? 100 : 1000;
      const rounds = smoke ? 3 : 15;
      const perRound = smoke ? 3 : 5;
      const definition = largeJourney(tiles);
      const stringify = () => JSON.stringify(definition);
      const [ours, baseline] = await pairedMedians(() => serializeDefinition(largeJourney(tiles)), stringify, rounds, perRound);
      const [serializeOnly, baseline2] = await pairedMedians(() => serializeDefinition(definition), stringify, rounds, perRound);
      const size = JSON.stringify(definition).length;
      return [
        timeResult(`build + serialize ${definition.length} tiles`, ours, 'JSON.stringify', baseline, target(smoke), `${(size / 1024).toFixed(0)} KB of JSON`),
        timeResult(`serialize only ${definition.length} tiles`, serializeOnly, 'JSON.stringify', baseline2, target(smoke)),
      ];
    },
  },
  {
    name: 'definition: parse a 1 MB definition',
    description: 'Transitional: not yet rewritten on compare().',
    async run({ smoke }) {
      const text = definitionOfSize(smoke ? 50_000 : 1_000_000);
      const rounds = smoke ? 3 : 11;
      const perRound = smoke ? 3 : 3;
      const [ours, baseline] = await pairedMedians(() => parseDefinition(text), () => JSON.parse(text), rounds, perRound);
      const [roundTrip, bareRoundTrip] = await pairedMedians(
        () => serializeDefinition(parseDefinition(text)),
        () => JSON.stringify(JSON.parse(text)),
        rounds,
        perRound,
      );
      const activities = (JSON.parse(text) as unknown[]).length;
      return [
        timeResult(`parse ${(text.length / 1e6).toFixed(2)} MB`, ours, 'JSON.parse', baseline, target(smoke), `${activities} activities`),
        timeResult('parse + serialize (round trip)', roundTrip, 'JSON.parse + JSON.stringify', bareRoundTrip, target(smoke)),
      ];
    },
  },
];
