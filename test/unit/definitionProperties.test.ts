import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activityIdCounter,
  buildGraph,
  canonicalDefinition,
  collectReferences,
  computeDesignerState,
  parseDefinition,
  parseDesignerState,
  serializeDefinition,
  serializeDesignerState,
  type Activity,
} from '../../src/definition/index.js';
import { arbitraryJourney } from '../helpers/arbitraries.js';

const runs = { numRuns: 150 };

describe('random valid journeys built with the builder (property-based)', () => {
  it('round-trip: parse -> serialize is byte-identical to the serializer output, compact and pretty', () => {
    fc.assert(
      fc.property(arbitraryJourney(), ({ definition }) => {
        const text = serializeDefinition(definition);
        expect(serializeDefinition(parseDefinition(text))).toBe(text);
        // The builder already writes the designer's key order: nothing needs reordering.
        expect(canonicalDefinition(definition)).toBe(definition);
        expect(JSON.parse(text)).toEqual(definition);
        const pretty = serializeDefinition(definition, { pretty: true });
        expect(serializeDefinition(parseDefinition(pretty), { pretty: true })).toBe(pretty);
        expect(serializeDefinition(parseDefinition(pretty))).toBe(text);
      }),
      runs,
    );
  });

  it('ids are unique and the designer state counters are above every id in use', () => {
    fc.assert(
      fc.property(arbitraryJourney(), ({ definition, designerState, expectedActivities }) => {
        expect(definition).toHaveLength(expectedActivities);
        const activityIds = definition.map((a) => a.ActivityId);
        expect(new Set(activityIds).size).toBe(activityIds.length);
        const itemIds = definition.flatMap((a) => a.Properties.Items.map((i) => i.ActivityItemId));
        expect(new Set(itemIds).size).toBe(itemIds.length);
        for (const id of itemIds) expect(designerState.NextActivityItemID).toBeGreaterThan(id);
        for (const id of activityIds) {
          const counter = activityIdCounter(id);
          if (counter !== undefined) expect(designerState.NextActivityID).toBeGreaterThan(counter);
        }
        // Counters come from one sequence: no trailing counter is used twice.
        const counters = activityIds.map(activityIdCounter).filter((c) => c !== undefined);
        expect(new Set(counters).size).toBe(counters.length);
        expect(computeDesignerState(definition)).toEqual(designerState);
        expect(parseDesignerState(serializeDesignerState(designerState))).toEqual(designerState);
      }),
      runs,
    );
  });

  it('the tree is consistent: one root, parents resolve, designer-style ids, trigger branches, EntityTarget', () => {
    fc.assert(
      fc.property(arbitraryJourney(), ({ definition, triggerIds }) => {
        const graph = buildGraph(definition);
        expect(definition.filter((a) => a.ActivityTypeId === 'bpf_root')).toHaveLength(1);
        expect(graph.root?.ActivityId).toBe('01');
        const target = definition[1]?.EntityTarget;
        for (const a of definition.slice(1)) {
          expect(graph.byId.has(a.ParentActivityId!)).toBe(true);
          expect(a.ActivityId.startsWith(`${a.ParentActivityId}_`)).toBe(true);
          if (a.ActivityTypeId === 'empty') expect(a).not.toHaveProperty('EntityTarget');
          else expect(a.EntityTarget).toBe(target);
        }
        for (const id of triggerIds) {
          const children = graph.childrenOf(id);
          expect(children.map((c) => [c.ParentRelationshipType, c.ParentBranchId])).toEqual([
            ['YesBranch', 0],
            ['NoBranch', 1],
          ]);
        }
        // Siblings under any non-trigger parent are numbered 0..n-1.
        for (const a of definition) {
          if (a.ActivityTypeId === 'Trigger') continue;
          expect(graph.childrenOf(a.ActivityId).map((c) => c.ParentBranchId)).toEqual(graph.childrenOf(a.ActivityId).map((_, i) => i));
        }
        // Trigger conditions point at items that exist.
        const itemIds = new Set(definition.flatMap((a) => a.Properties.Items.map((i) => String(i.ActivityItemId))));
        for (const a of definition.filter((x) => x.ActivityTypeId === 'Trigger')) {
          for (const c of a.Properties.Items[0]!.ConditionExpressions as { SourceActivityItemId: string }[]) {
            expect(itemIds.has(c.SourceActivityItemId)).toBe(true);
          }
        }
      }),
      runs,
    );
  });

  it('walk visits every activity once, parents before children, children in branch order', () => {
    fc.assert(
      fc.property(arbitraryJourney(), ({ definition }) => {
        const graph = buildGraph(definition);
        const seen: Activity[] = [];
        const position = new Map<string, number>();
        graph.walk((activity, { parent, depth }) => {
          if (parent) {
            expect(position.has(parent.ActivityId)).toBe(true);
            expect(depth).toBeGreaterThan(0);
          }
          position.set(activity.ActivityId, seen.length);
          seen.push(activity);
        });
        expect(seen).toHaveLength(definition.length);
        expect(new Set(seen).size).toBe(definition.length);
        for (const a of definition) {
          const kids = graph.childrenOf(a.ActivityId).map((c) => position.get(c.ActivityId)!);
          expect([...kids].sort((x, y) => x - y)).toEqual(kids);
        }
      }),
      runs,
    );
  });

  it('references name every referencing item with its pointer', () => {
    fc.assert(
      fc.property(arbitraryJourney(), ({ definition }) => {
        for (const ref of collectReferences(definition)) {
          const [, i, , , j] = ref.pointer.split('/');
          const item = definition[Number(i)]!.Properties.Items[Number(j)]!;
          expect(item.ActivityItemId).toBe(ref.activityItemId);
          expect(definition[Number(i)]!.ActivityId).toBe(ref.activityId);
          expect(ref.id).toBe(item.ItemId ?? null);
        }
      }),
      runs,
    );
  });
});
