/**
 * The workflow-definition core: types, the lossless parser and serializer, designer state, graph
 * helpers and the journey builder.
 */
export * from './types.js';
export { DefinitionError, isDefinitionError } from './errors.js';
export { parseDefinition, type ParseDefinitionOptions } from './parse.js';
export { serializeDefinition, canonicalDefinition, type SerializeDefinitionOptions } from './serialize.js';
export {
  parseDesignerState,
  serializeDesignerState,
  computeDesignerState,
  activityIdCounter,
  type ParseDesignerStateOptions,
} from './designerState.js';
export { normalizeRelationshipType, TRIGGER_BRANCH_ID } from './relationship.js';
export { ACTIVITY_KEY_ORDER, ITEM_HEAD_KEYS, ITEM_TYPE_KEYS, itemKeyOrder } from './keyOrder.js';
export { buildGraph, type DefinitionGraph, type WalkContext, type WalkVisitor } from './graph.js';
export {
  collectReferences,
  referenceKindOf,
  REFERENCE_KIND_BY_TYPE,
  type DefinitionReference,
  type ReferenceKind,
  type CollectReferencesOptions,
} from './references.js';
export {
  journey,
  JourneyBuilder,
  Flow,
  Tile,
  SegmentGroupTile,
  EmailTile,
  TriggerTile,
  TriggerBranch,
  SplitterTile,
  ROOT_ITEM_NAME,
  type BuiltJourney,
  type ItemHandle,
  type JourneyOptions,
  type PinnedIds,
  type RecordRef,
  type SegmentRef,
  type RecordTileOptions,
  type SegmentGroupOptions,
  type EmailOptions,
  type TriggerCondition,
  type TriggerOptions,
  type DurationUnit,
  type WaitForOptions,
  type WaitUntilOptions,
  type SplitterOptions,
  type CreateActivityOptions,
  type CustomTileOptions,
} from './builder.js';
export { tileShape, structureSignature, sameStructure, type TilePlacement } from './structure.js';
export * from './specTypes.js';
export { compileSpec, type CompiledSpec, type CompileSpecOptions, type UnresolvedReference } from './spec.js';
export { renderDefinitionTree } from './tree.js';
