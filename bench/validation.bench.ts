/**
 * Offline validation throughput: a generated corpus of journey definitions (20 to 200 tiles,
 * with segments, emails with pages, if/then triggers, splitters and waits) validated from their
 * stored JSON text, against `JSON.parse` of the same bytes in the same run.
 * Targets (issue 3): total validation time <= 3x JSON.parse; >= 5,000 definitions of 20 tiles
 * per second on one core.
 */
import { performance } from 'node:perf_hooks';
import { validateJourney } from '../src/validation/index.js';
import { type Benchmark } from './harness.js';
import { medianMs, rateResult, timeResult } from './legacy.js';
import { seededRandom } from '../src/util/seededRandom.js';

type Json = Record<string, unknown>;

function guid(next: () => number): string {
  const hex = (length: number): string => Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

/** A valid definition of exactly `tiles` activities besides the root. */
export function generateDefinition(tiles: number, next: () => number): Json[] {
  let itemId = 0;
  let counter = 0;
  const item = (type: string, recordId: string | null, extra: Json = {}): Json => ({
    ItemId: recordId,
    ActivityTypeId: type,
    Title: 'Undefined',
    IsNameSystemDefined: true,
    Name: `${type} ${itemId}`,
    ActivityItemId: itemId++,
    ...extra,
  });
  const root: Json = {
    ActivityTypeId: 'bpf_root',
    ParentBranchId: 0,
    ParentRelationshipType: 'Default',
    ActivityId: '01',
    Properties: { Items: [item('bpf_root', null, { Name: 'New ActivityTypeName_bpf_root_TitleText' })] },
  };
  const definition: Json[] = [root];
  const add = (type: string, parent: Json, branch: number, items: Json[], relationship = 'Default'): Json => {
    const activity: Json = {
      ActivityTypeId: type,
      ParentActivityId: parent.ActivityId,
      ParentBranchId: branch,
      ParentRelationshipType: relationship,
      ActivityId: `${parent.ActivityId as string}_${++counter}`,
      Properties: { Items: items },
      EntityTarget: 'contact',
    };
    definition.push(activity);
    return activity;
  };
  const segment = add('Segment', root, 0, [
    item('Segment', null, { SegmentMergeMethod: 'Union' }),
    item('SegmentItem', guid(next), { ContainmentMethod: 'Inclusion', SegmentSourceType: 'Segment', DciSegmentName: 'segment', SegmentDisplayName: 'Segment' }),
  ]);
  // Open ends a new tile may hang from: each is a (parent, branch, relationship) slot.
  const open: { parent: Json; watched: number[] }[] = [{ parent: segment, watched: [] }];
  while (definition.length - 1 < tiles) {
    const remaining = tiles - (definition.length - 1);
    const slot = open.splice(Math.floor(next() * open.length), 1)[0] ?? { parent: segment, watched: [] };
    const roll = next();
    if (roll < 0.15 && remaining >= 3 && slot.watched.length > 0) {
      const trigger = add('Trigger', slot.parent, 0, [
        item('Trigger', null, { TimeoutValue: 5, TimeoutUnit: 'Day', RuleLogic: 'AND', ConditionExpressions: [{ SourceActivityItemId: String(slot.watched[0]), Condition: 'UserRegistered' }] }),
      ]);
      const yes = add('Email', trigger, 0, [item('Email', guid(next))], 'YesBranch');
      const no = add('Scheduler', trigger, 1, [item('Scheduler', null, { OffsetType: 'Duration', ScheduledDurationUnit: 'Minute', ScheduledDurationValue: 30 })], 'NoBranch');
      open.push({ parent: yes, watched: slot.watched }, { parent: no, watched: slot.watched });
    } else if (roll < 0.25 && remaining >= 5) {
      const splitter = add('Splitter', slot.parent, 0, [item('Splitter', null)]);
      for (let branch = 0; branch < 2; branch++) {
        const arm = add('SplitterBranch', splitter, branch, [item('SplitterBranch', null)]);
        open.push({ parent: add('Email', arm, 0, [item('Email', guid(next))]), watched: slot.watched });
      }
    } else if (roll < 0.7) {
      const page = item('LandingPage', guid(next));
      const email = add('Email', slot.parent, 0, [item('Email', guid(next)), page]);
      open.push({ parent: email, watched: [page.ActivityItemId as number] });
    } else {
      const wait = add('Scheduler', slot.parent, 0, [item('Scheduler', null, { OffsetType: 'Duration', ScheduledDurationUnit: 'Day', ScheduledDurationValue: 2 })]);
      open.push({ parent: wait, watched: slot.watched });
    }
  }
  return definition;
}

function corpus(count: number, minTiles: number, maxTiles: number, seed: number): string[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => JSON.stringify(generateDefinition(minTiles + Math.floor(next() * (maxTiles - minTiles + 1)), next)));
}

function validateAll(texts: readonly string[]): number {
  let findings = 0;
  for (const definition of texts) findings += validateJourney({ definition }).length;
  return findings;
}

function parseAll(texts: readonly string[]): number {
  let activities = 0;
  for (const text of texts) activities += (JSON.parse(text) as unknown[]).length;
  return activities;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'validation: corpus of 20-200 tile definitions vs JSON.parse',
    description: 'Transitional: not yet rewritten on compare().',
    async run({ smoke }) {
      const texts = corpus(smoke ? 50 : 2_000, 20, 200, 7);
      const findings = validateAll(texts);
      if (findings !== 0) throw new Error(`the generated corpus should be clean, found ${findings} findings`);
      const bytes = texts.reduce((sum, text) => sum + text.length, 0);
      const iterations = smoke ? 3 : 7;
      const parseMs = await medianMs(() => parseAll(texts), iterations);
      const validateMs = await medianMs(() => validateAll(texts), iterations);
      return [
        timeResult(`validate ${texts.length} definitions (parse + rules)`, validateMs, 'JSON.parse of the same text', parseMs, 3, `${(bytes / 1e6).toFixed(1)} MB; ${Math.round((texts.length / validateMs) * 1000)} definitions/s`),
      ];
    },
  },
  {
    name: 'validation: throughput on 20-tile definitions (one core)',
    description: 'Transitional: not yet rewritten on compare().',
    async run({ smoke }) {
      const texts = corpus(smoke ? 200 : 5_000, 20, 20, 11);
      const iterations = smoke ? 3 : 7;
      validateAll(texts);
      const start = performance.now();
      const ms = await medianMs(() => validateAll(texts), iterations);
      const parseMs = await medianMs(() => parseAll(texts), iterations);
      const rate = (texts.length / ms) * 1000;
      return [
        rateResult('definitions of 20 tiles validated per second', rate, 'defs/s', 'the issue target (5,000 defs/s)', 5_000, 1, `JSON.parse alone: ${Math.round((texts.length / parseMs) * 1000)} defs/s; measured over ${Math.round(performance.now() - start)} ms`),
      ];
    },
  },
];
