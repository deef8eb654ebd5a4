/**
 * The journey spec compiler: a spec (YAML or JSON, see `specTypes.ts`) becomes the record fields,
 * workflow definition and designer state of a journey, built by the journey builder so specs and
 * code produce identical definitions.
 *
 * References by name keep `ItemId: null` and the name in the definition (what the designer shows
 * for an unconfigured tile) and are listed in `unresolved`, for a later step to resolve against an
 * environment.
 */
import { InputError } from '../errors.js';
import { assertValidJourneySpec } from '../schemas/index.js';
import { journey, type Flow, type ItemHandle, type RecordRef, type Tile } from './builder.js';
import { isDefinitionError } from './errors.js';
import { specFields, type UnresolvedReference } from './specFields.js';
import { normalizeTiles, type NormalizedRef, type RecordTileType, type TileNode } from './specNormalize.js';
import type { JourneySpec } from './specTypes.js';
import type { DesignerState, WorkflowDefinition } from './types.js';

export type { UnresolvedReference } from './specFields.js';

/** Options of {@link compileSpec}. */
export interface CompileSpecOptions {
  /** The file the spec came from, for error locations. */
  file?: string;
}

/** What a spec compiles to. */
export interface CompiledSpec {
  /** Journey record fields in Web API shape (`msdyncrm_name`, `msdyncrm_entitytarget`, binds…). */
  fields: Record<string, unknown>;
  definition: WorkflowDefinition;
  designerState: DesignerState;
  /** References given by name only, in spec order (journey fields first). */
  unresolved: UnresolvedReference[];
}

type UnresolvedKind = UnresolvedReference['kind'];

/** Per-compile state: where errors point, named handles, what is still unresolved. */
class Compilation {
  readonly handles = new Map<string, ItemHandle | Tile>();
  readonly unresolved: UnresolvedReference[] = [];

  constructor(readonly file: string | undefined) {}

  error(message: string, pointer: string, hint?: string, cause?: unknown): InputError {
    return new InputError(message, { ...(this.file === undefined ? {} : { file: this.file }), pointer }, {
      ...(hint === undefined ? {} : { hint }),
      ...(cause === undefined ? {} : { cause }),
    });
  }

  /** Run a builder call; its errors (which know no spec location) point at `pointer`. */
  build<T>(pointer: string, call: () => T): T {
    try {
      return call();
    } catch (error) {
      if (isDefinitionError(error)) throw this.error(error.message, pointer, error.hint, error);
      throw error;
    }
  }

  /** Register a handle; each handle names one tile or item. */
  name(handleName: string | undefined, target: ItemHandle | Tile, pointer: string): void {
    if (handleName === undefined) return;
    if (this.handles.has(handleName)) {
      throw this.error(`the handle "${handleName}" is used twice`, `${pointer}/handle`, 'give each tile or item its own handle');
    }
    this.handles.set(handleName, target);
  }

  /** Note an item that names its record without an id. */
  track(kind: UnresolvedKind, ref: NormalizedRef, item: ItemHandle): void {
    if (ref.id === null && ref.name !== undefined) {
      this.unresolved.push({ kind, name: ref.name, pointer: ref.pointer, activityId: item.activityId, activityItemId: item.activityItemId });
    }
  }
}

function recordRef(ref: NormalizedRef): RecordRef {
  return {
    id: ref.id,
    ...(ref.name === undefined ? {} : { name: ref.name }),
    ...(ref.title === undefined ? {} : { title: ref.title }),
  };
}

const NESTED_KIND: Readonly<Record<string, UnresolvedKind>> = Object.freeze({
  LandingPage: 'page',
  Event: 'event',
  MarketingForm: 'form',
  Survey: 'survey',
});

const RECORD_KIND: Readonly<Record<string, UnresolvedKind | undefined>> = Object.freeze({
  InvokeWorkflow: 'workflow',
  LinkedInCampaign: 'linkedInCampaign',
  LandingPage: 'page',
  Event: 'event',
  MarketingForm: 'form',
  Survey: 'survey',
  // CreateLead and RecordUpdate reference no record: a string is the tile's title.
  CreateLead: undefined,
  RecordUpdate: undefined,
});

/** The builder method that adds each record tile. */
const RECORD_TILE_METHOD = {
  InvokeWorkflow: 'launchWorkflow',
  CreateLead: 'createLead',
  RecordUpdate: 'recordUpdate',
  LinkedInCampaign: 'linkedInCampaign',
  LandingPage: 'page',
  Event: 'event',
  MarketingForm: 'form',
  Survey: 'survey',
} as const satisfies Record<RecordTileType, keyof Flow>;

/** Add a chain of tiles after `flow`; returns nothing because a chain's end is never continued. */
function emitChain(c: Compilation, start: Flow, tiles: readonly TileNode[]): void {
  let flow: Flow = start;
  for (let i = 0; i < tiles.length; i++) {
    const tile = tiles[i]!;
    const next = emitTile(c, flow, tile);
    if (next === undefined) {
      // Triggers and splitters end a chain: what follows them belongs on their branches.
      const after = tiles[i + 1];
      if (after) {
        const kind = tile.kind === 'trigger' ? 'trigger' : 'split';
        throw c.error(
          `a tile cannot follow a ${kind} in the same list`,
          after.pointer.slice(0, after.pointer.lastIndexOf('/')),
          kind === 'trigger' ? 'put it under the trigger’s yes: or no: list' : 'put it in one of the split’s branches',
        );
      }
      return;
    }
    flow = next;
  }
}

/** Add one tile after `flow`; returns the tile to continue from (none for triggers and splitters). */
function emitTile(c: Compilation, flow: Flow, tile: TileNode): Tile | undefined {
  switch (tile.kind) {
    case 'segment': {
      const group = c.build(tile.pointer, () => flow.segmentGroup({ ...(tile.title === undefined ? {} : { title: tile.title }), merge: tile.merge }));
      c.name(tile.handle, group, tile.pointer);
      const add = (ref: NormalizedRef, containment: 'include' | 'exclude'): void => {
        const segment = { ...recordRef(ref), ...(ref.uniqueName === undefined ? {} : { uniqueName: ref.uniqueName }) };
        const item = c.build(ref.pointer, () => (containment === 'include' ? group.include(segment) : group.exclude(segment)));
        c.name(ref.handle, item, ref.pointer);
        c.track('segment', ref, item);
      };
      tile.include.forEach((ref) => add(ref, 'include'));
      tile.exclude.forEach((ref) => add(ref, 'exclude'));
      return group;
    }
    case 'email': {
      const email = c.build(tile.pointer, () => flow.email(recordRef(tile.ref)));
      c.name(tile.ref.handle, email, tile.pointer);
      c.track('email', tile.ref, email.header);
      for (const nested of tile.nested) {
        const ref = recordRef(nested.ref);
        const item = c.build(nested.ref.pointer, () => {
          switch (nested.type) {
            case 'LandingPage':
              return email.addPage(ref);
            case 'Event':
              return email.addEvent(ref);
            case 'MarketingForm':
              return email.addForm(ref);
            case 'Survey':
              return email.addSurvey(ref);
          }
        });
        c.name(nested.ref.handle, item, nested.ref.pointer);
        c.track(NESTED_KIND[nested.type]!, nested.ref, item);
      }
      return email;
    }
    case 'trigger': {
      const when = tile.conditions.map((condition) => {
        const target = c.handles.get(condition.item);
        if (!target) {
          const known = [...c.handles.keys()];
          throw c.error(
            `no earlier tile or item has the handle "${condition.item}"`,
            condition.pointer,
            known.length > 0 ? `known handles: ${known.join(', ')}` : 'give the watched tile or item a handle: { handle: my-page }',
          );
        }
        return { item: target, condition: condition.condition };
      });
      const timeout = { value: tile.timeout.value, unit: tile.timeout.unit as 'Hour' | 'Day' };
      const trigger = c.build(tile.pointer, () =>
        flow.trigger({ ...(tile.title === undefined ? {} : { title: tile.title }), when, logic: tile.logic, timeout }),
      );
      c.name(tile.handle, trigger, tile.pointer);
      emitChain(c, trigger.yes, tile.yes);
      emitChain(c, trigger.no, tile.no);
      return undefined;
    }
    case 'wait': {
      const title = tile.title === undefined ? {} : { title: tile.title };
      const wait = c.build(tile.pointer, () =>
        tile.for ? flow.waitFor({ ...title, value: tile.for.value, unit: tile.for.unit }) : flow.waitUntil({ ...title, until: tile.until! }),
      );
      c.name(tile.handle, wait, tile.pointer);
      return wait;
    }
    case 'split': {
      const splitter = c.build(tile.pointer, () => flow.splitter(tile.title === undefined ? {} : { title: tile.title }));
      c.name(tile.handle, splitter, tile.pointer);
      for (const branch of tile.branches) {
        const start = c.build(branch.pointer, () => splitter.branch(branch.title === undefined ? {} : { title: branch.title }));
        emitChain(c, start, branch.tiles);
      }
      return undefined;
    }
    case 'activity': {
      const created = c.build(tile.pointer, () => flow.createActivity({ ...recordRef(tile.ref), activityType: tile.activityType }));
      c.name(tile.ref.handle, created, tile.pointer);
      c.track('activityTemplate', tile.ref, created.header);
      return created;
    }
    case 'record': {
      const kind = RECORD_KIND[tile.type];
      // A tile without a record (create lead, record update) shows a plain string as its title.
      const ref: NormalizedRef =
        kind === undefined && tile.ref.id === null && tile.ref.name !== undefined && tile.ref.title === undefined
          ? { id: null, title: tile.ref.name, pointer: tile.ref.pointer, ...(tile.ref.handle === undefined ? {} : { handle: tile.ref.handle }) }
          : tile.ref;
      const options = recordRef(ref);
      const created = c.build(tile.pointer, () => flow[RECORD_TILE_METHOD[tile.type]](options));
      c.name(ref.handle, created, tile.pointer);
      if (kind) c.track(kind, ref, created.header);
      return created;
    }
    case 'custom': {
      const created = c.build(tile.pointer, () => flow.custom({ ...recordRef(tile.ref), type: tile.type, properties: tile.properties }));
      c.name(tile.ref.handle, created, tile.pointer);
      c.track('customChannelEntity', tile.ref, created.header);
      return created;
    }
  }
}

/**
 * Compile a journey spec. The spec is validated against `journey-spec.schema.json` first.
 *
 * @throws InputError with `location.pointer` at the offending place of the spec (schema
 *   violations, unknown handles, durations the designer cannot express, tiles after a trigger)
 */
export function compileSpec(spec: unknown, options: CompileSpecOptions = {}): CompiledSpec {
  assertValidJourneySpec(spec, options.file === undefined ? {} : { file: options.file });
  const journeySpec = spec as JourneySpec;
  const c = new Compilation(options.file);
  const { fields, unresolved } = specFields(journeySpec);
  c.unresolved.push(...unresolved);
  const builder = journey({ target: journeySpec.target ?? 'contact' });
  const lanes = journeySpec.swimlanes
    ? journeySpec.swimlanes.map((lane, i) => normalizeTiles(lane, `/swimlanes/${i}`, options.file))
    : [normalizeTiles(journeySpec.tiles ?? [], '/tiles', options.file)];
  // Each lane hangs under the root; two or more lanes are swimlanes.
  for (const lane of lanes) emitChain(c, builder, lane);
  const { definition, designerState } = c.build('', () => builder.build());
  return { fields, definition, designerState, unresolved: c.unresolved };
}
