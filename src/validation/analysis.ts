/**
 * Derived facts several rules need (cycles, reachability), computed once per model and cached.
 */
import type { ActivityNode, JourneyModel } from './journeyModel.js';

export interface GraphAnalysis {
  /** Each cycle of ParentActivityId links, as its members in chain order. */
  readonly cycles: ActivityNode[][];
  readonly inCycle: ReadonlySet<ActivityNode>;
  /** Activities reachable from a `bpf_root` through children. */
  readonly reachable: ReadonlySet<ActivityNode>;
}

/**
 * The analysis lives on the model it belongs to, under a private key, and dies with it. A
 * module-level WeakMap would hold every model's entry until a full collection, and each
 * young-generation collection then copies those models as live: measured, it tripled the
 * collector's share of validating a folder.
 */
const ANALYSIS = Symbol('graph analysis');
type AnalysedModel = JourneyModel & { [ANALYSIS]?: GraphAnalysis };

/** Cycles and reachability of a model (computed once per model). */
export function analyse(model: JourneyModel): GraphAnalysis {
  const analysed = model as AnalysedModel;
  return (analysed[ANALYSIS] ??= compute(model));
}

function parentOf(model: JourneyModel, activity: ActivityNode): ActivityNode | undefined {
  // Only the first activity with an id is addressable; duplicates are reported by their own rule.
  return activity.parentId === undefined ? undefined : model.byId.get(activity.parentId);
}

const ON_CHAIN = 1;
const FINISHED = 2;

function compute(model: JourneyModel): GraphAnalysis {
  const cycles: ActivityNode[][] = [];
  const inCycle = new Set<ActivityNode>();
  const state = new Uint8Array(model.activities.length);
  const chain: ActivityNode[] = [];
  for (const start of model.activities) {
    if (state[start.ordinal] !== 0) continue;
    chain.length = 0;
    let current: ActivityNode | undefined = start;
    while (current && state[current.ordinal] === 0) {
      state[current.ordinal] = ON_CHAIN;
      chain.push(current);
      current = parentOf(model, current);
    }
    if (current && state[current.ordinal] === ON_CHAIN) {
      const cycle = chain.slice(chain.indexOf(current));
      cycles.push(cycle);
      for (const member of cycle) inCycle.add(member);
    }
    for (const member of chain) state[member.ordinal] = FINISHED;
  }

  const reachable = new Set<ActivityNode>(model.roots);
  const queue: ActivityNode[] = [...model.roots];
  while (queue.length > 0) {
    const activity = queue.pop()!;
    if (activity.id === undefined || model.byId.get(activity.id) !== activity) continue;
    const children = model.childrenOf.get(activity.id);
    if (!children) continue;
    for (const child of children) {
      if (!reachable.has(child) && child.type !== 'bpf_root') {
        reachable.add(child);
        queue.push(child);
      }
    }
  }
  return { cycles, inCycle, reachable };
}
