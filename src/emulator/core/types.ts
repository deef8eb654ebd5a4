/**
 * Contracts of the emulator core: what plugins (service protection, faults, request log, marketing
 * semantics, Graph) and `startEmulator` build on. The core serves `/api/data/v9.0|v9.1|v9.2/`:
 * entity CRUD, OData queries, `$batch`, `$metadata`, operations; plugins add behaviour around it.
 */
import type { OptionSet } from '../../model/optionSets.js';
import type { EmulatorStore } from './store.js';
import type { WebApiError } from './errors.js';

/** Attribute types the core validates and serializes. */
export type AttributeType =
  | 'string'
  | 'memo'
  | 'integer'
  | 'bigint'
  | 'decimal'
  | 'double'
  | 'money'
  | 'boolean'
  | 'datetime'
  | 'dateonly'
  | 'picklist'
  | 'state'
  | 'status'
  | 'lookup'
  | 'owner'
  | 'uniqueidentifier'
  | 'managedproperty';

/** One column of a table. */
export interface AttributeDefinition {
  /** Logical name, e.g. `msdyncrm_name`. */
  name: string;
  type: AttributeType;
  /** Maximum length for `string`/`memo`. @default 100 for string, 1,048,576 for memo */
  maxLength?: number;
  /** Inclusive range for numbers. */
  min?: number;
  max?: number;
  /** The choices of a picklist/state/status column (values and labels for formatted values). */
  options?: OptionSet<string>;
  /** ApplicationRequired/SystemRequired: a create without it is refused with 400 `0x80044331`. @default false */
  required?: boolean;
  /** Value set on create when the client sends none. */
  default?: unknown;
  /** The client may not write it (createdon, versionnumber…): a write is refused with 400. @default false */
  readOnly?: boolean;
  /** Lookups: entity sets the lookup may point to (first = default target). */
  targets?: string[];
  /**
   * Lookups: the single-valued navigation property used with `@odata.bind` (casing matters, e.g.
   * `msdyncrm_contentsettingsId`). @default the attribute name
   */
  navigationProperty?: string;
  /**
   * Polymorphic lookups: one navigation property per target, e.g.
   * `{ accounts: 'parentcustomerid_account', contacts: 'parentcustomerid_contact' }`
   * (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-entity-web-api#associate-table-rows-on-create).
   */
  targetNavigation?: Record<string, string>;
}

/** A one-to-many relationship seen from the parent: deep insert and collection `$expand`. */
export interface CollectionNavigation {
  /** Navigation property on the parent, e.g. `CustomAPIRequestParameters`. */
  name: string;
  /** Entity set of the child rows. */
  entitySet: string;
  /** Lookup attribute on the child that points to the parent, e.g. `customapiid`. */
  lookup: string;
  /** What deleting the parent does to the children. @default 'Cascade' */
  cascadeDelete?: CascadeDelete;
}

/**
 * What deleting the referenced (parent) row does to the referencing rows: delete them too, clear
 * their lookup, or refuse the delete while any exist.
 * https://learn.microsoft.com/power-apps/developer/data-platform/configure-entity-relationship-cascading-behavior
 */
export type CascadeDelete = 'Cascade' | 'RemoveLink' | 'Restrict';

/**
 * A one-to-many relationship: a lookup on the referencing (child) table pointing to the referenced
 * (parent) table, with a navigation property on each side.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-navigation-properties
 */
export interface OneToManyRelationship {
  kind: 'OneToMany';
  /** e.g. `contact_customer_accounts`. */
  schemaName: string;
  /** Entity set of the parent, e.g. `accounts`. */
  referencedEntitySet: string;
  /** Entity set of the child, e.g. `contacts`. */
  referencingEntitySet: string;
  /** Lookup attribute on the child, e.g. `parentcustomerid`. */
  referencingAttribute: string;
  /** Collection-valued navigation property on the parent. @default schemaName */
  referencedNavigation?: string;
  cascadeDelete: CascadeDelete;
}

/**
 * A many-to-many relationship, stored as rows of a read-only intersect table with one GUID column
 * per side. https://learn.microsoft.com/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api
 */
export interface ManyToManyRelationship {
  kind: 'ManyToMany';
  /** e.g. `teammembership_association`. */
  schemaName: string;
  /** Entity set of the intersect table, e.g. `teammemberships`. */
  intersectEntitySet: string;
  entity1EntitySet: string;
  /** Column of the intersect table holding the id of the entity1 row, e.g. `systemuserid`. */
  entity1IntersectAttribute: string;
  /** Collection-valued navigation property on entity1. @default schemaName */
  entity1Navigation?: string;
  entity2EntitySet: string;
  entity2IntersectAttribute: string;
  entity2Navigation?: string;
}

export type RelationshipDefinition = OneToManyRelationship | ManyToManyRelationship;

/** A table the emulator serves (or keeps for a plugin when `internal`). */
export interface EntityDefinition {
  logicalName: string;
  entitySet: string;
  primaryId: string;
  primaryName: string;
  /** Columns besides the system ones the core adds to every table (see `systemAttributes`). */
  attributes: AttributeDefinition[];
  /** UserOwned tables get `ownerid` (systemuser/team). @default 'user' */
  ownership?: 'user' | 'organization' | 'none';
  /** One-to-many relationships for deep insert and `$expand`. */
  collections?: CollectionNavigation[];
  /** Not exposed over OData (plugin data), still stored and written through `core.write`. @default false */
  internal?: boolean;
  /** Refuse client writes with 405 `0x80040315` (e.g. EntityDefinitions, timezonedefinitions). @default false */
  readOnly?: boolean;
  /** statecode/statuscode option sets and defaults; omitted => Active(0)/Active(1), Inactive(1)/Inactive(2). */
  state?: { stateOptions: OptionSet<string>; statusOptions: OptionSet<string>; defaultStatus: number; stateOf(status: number): number };
}

/** A row as stored: attribute logical name -> JSON value. Lookups hold the GUID; `<attr>@type` holds the target logical name. */
export type RowValues = Record<string, unknown>;

/** A stored record. Rows read from the store are shared and frozen: copy `values` before changing them. */
export interface StoredRow {
  id: string;
  /** The global, increasing `versionnumber` of the last write (the ETag). */
  version: number;
  values: RowValues;
}

/** What a write does, as seen by `beforeWrite`/`afterCommit`. */
export interface WriteChange {
  entitySet: string;
  logicalName: string;
  operation: 'create' | 'update' | 'delete';
  id: string;
  /** The row before the write (update/delete). */
  before?: RowValues;
  /**
   * The attribute values being written (create: all given values incl. defaults; update: the
   * changed ones). `beforeWrite` may change it; the core validates nothing after the hooks.
   */
  values: RowValues;
  /** The row after the write (create/update); set for `afterCommit` only. */
  after?: RowValues;
}

/** Context of a write hook. */
export interface WriteContext {
  /** True for `core.write(..., { system: true })`: plugins should skip client-side rules (field locks, transitions). */
  system: boolean;
  /** The caller's systemuserid. */
  user: string;
  core: EmulatorCore;
}

/** A request as the core sees it (top-level HTTP request or one `$batch` part). */
export interface CoreRequest {
  /** Request id (also used by the request log). */
  id: string;
  method: string;
  /** Path and query as received, e.g. `/api/data/v9.2/accounts?$top=1`. */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
  /** The caller's id: `oid` of an unsigned JWT bearer token, else the default system user. */
  user: string;
  /** Wall-clock time the request arrived (ms since epoch). */
  receivedAt: number;
  /** True for parts of a `$batch` (they do not go through `around`). */
  inBatch: boolean;
  /**
   * Headers an `around` plugin adds to the HTTP answer of a top-level request, whatever answers it
   * (service protection's rate-limit headers); written after the response's own headers.
   */
  responseHeaders?: Record<string, string>;
}

/** A response the core (or a plugin) produces. */
export interface CoreResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
  /**
   * Destroy the socket instead of answering (fault injection). The work that `next` did, if any,
   * stays committed.
   */
  drop?: boolean;
}

/** Handler of one action or function. */
export interface OperationHandler {
  /** Actions are POST, functions GET (a wrong method answers 404 code `""`). */
  kind: 'action' | 'function';
  /** Entity-bound operations are called as `<set>(<id>)/Microsoft.Dynamics.CRM.<Name>`. @default 'none' */
  binding?: 'none' | 'entity' | 'collection';
  /** For bound operations: the entity sets it is bound to; omitted => any. */
  boundEntitySets?: string[];
  /**
   * Runs the operation. Return undefined for 204, or an object whose properties form the
   * `<Name>Response` complex type (200). Throw a `WebApiError` for Dataverse-shaped failures.
   */
  handle(context: OperationContext): unknown | Promise<unknown>;
}

/** What an operation handler receives. */
export interface OperationContext {
  name: string;
  /** Action body or function parameters (aliases resolved, literals decoded). Null-prototype object. */
  parameters: Record<string, unknown>;
  /** For entity-bound operations. */
  target?: { entitySet: string; id: string };
  user: string;
  request: CoreRequest;
  core: EmulatorCore;
}

/** Extends the core. Every member is optional. */
export interface EmulatorPlugin {
  name: string;
  /**
   * Wraps every top-level HTTP request (not the parts inside `$batch`): protection, faults, request
   * log. Answer without calling `next`, delay, or return `{ ...response, drop: true }`.
   */
  around?(request: CoreRequest, next: () => Promise<CoreResponse>): Promise<CoreResponse>;
  /**
   * Routes outside `/api/data`, e.g. Graph `/v1.0/...`; return undefined when not handled. The
   * running core is passed in, so a plugin needs no `start` just to keep it.
   */
  route?(request: CoreRequest, core: EmulatorCore): CoreResponse | undefined | Promise<CoreResponse | undefined>;
  /** Unbound and bound actions and functions by name (e.g. `msdyncrm_CustomerJourneyValidate`). */
  operations?: Record<string, OperationHandler>;
  /**
   * Operations known only at run time (custom API rows): asked when no registered operation has
   * the name, with the running core. Return undefined when the name is not one of them.
   */
  resolveOperation?(name: string, core: EmulatorCore): OperationHandler | undefined;
  /** Extra tables, including internal ones not exposed over OData. */
  entities?: EntityDefinition[];
  /** Extra relationships between tables (one-to-many and many-to-many). */
  relationships?: RelationshipDefinition[];
  /**
   * Inside the write transaction (synchronous, as SQLite transactions are): may change
   * `change.values` or throw a `WebApiError` (e.g. `errors.validation(...)`), which rolls back.
   */
  beforeWrite?(change: WriteChange, context: WriteContext): void;
  /** After the transaction committed. Errors are logged, never sent to the client. */
  afterCommit?(change: WriteChange, context: WriteContext): void | Promise<void>;
  /**
   * Called once the server listens, for work that must happen at start (resuming pending
   * transitions). Hooks, routes and operations get the core as an argument: do not keep it here.
   */
  start?(core: EmulatorCore): void | Promise<void>;
  /** Called on `core.close()`, before the store closes. */
  close?(): void | Promise<void>;
}

/** Options of `createEmulatorCore`. */
export interface EmulatorCoreOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** Directory of the SQLite store (`emulator.sqlite`, WAL). Omitted => in-memory. */
  dataDir?: string;
  /** Accept unsupported query options (`$skip`, `$search`…) by ignoring them instead of 400. @default false */
  loose?: boolean;
  /** @default [] */
  plugins?: EmulatorPlugin[];
  /** Log lines (internal errors, startup). @default no logging */
  log?: (line: string) => void;
  /** Largest request body accepted; larger gets 413 `0x8004418a`. @default 32 MiB */
  maxBodyBytes?: number;
}

/** A system write (plugins): no client rules, but `versionnumber`/`modifiedon` are bumped and hooks run. */
export interface SystemWrite {
  entitySet: string;
  /** Omitted on create => a new GUID. */
  id?: string;
  /** @default 'update' */
  operation?: 'create' | 'update' | 'delete';
  values?: RowValues;
}

/** The running core. */
export interface EmulatorCore {
  /** Origin, e.g. `http://127.0.0.1:53211`. */
  url: string;
  /** `<origin>/api/data/v9.2/`, or built from a `Host` header when given. */
  serviceRoot(hostHeader?: string): string;
  store: EmulatorStore;
  /** Table registry (core tables plus plugins'). */
  entities: EntityRegistry;
  /**
   * Write as the system (status machine, runtime simulator, seed data). Runs `beforeWrite` hooks
   * with `system: true` in one transaction, then `afterCommit`. Returns the row after the write
   * (undefined after delete). Throws `WebApiError` (e.g. 404 when the row is missing).
   */
  write(change: SystemWrite, options?: { system?: boolean; user?: string }): RowValues | undefined;
  /** Several system writes in one transaction. */
  writeAll(changes: SystemWrite[], options?: { system?: boolean; user?: string }): (RowValues | undefined)[];
  /** Reads a row with its system columns, or undefined. */
  read(entitySet: string, id: string): RowValues | undefined;
  /** Answer a request as if it came over HTTP, skipping `around` (used by `$batch` and tests). */
  dispatch(request: CoreRequest): Promise<CoreResponse>;
  /** Ids of the default organization, business unit and system user (WhoAmI). */
  readonly identity: { organizationId: string; businessUnitId: string; userId: string };
  close(): Promise<void>;
}

/** Read access to the table registry. */
export interface EntityRegistry {
  bySet(entitySet: string): EntityDefinition | undefined;
  byLogicalName(logicalName: string): EntityDefinition | undefined;
  /** Every registered table (including internal ones). */
  all(): EntityDefinition[];
  /** The attribute of a table, including the system attributes. */
  attribute(entitySet: string, name: string): AttributeDefinition | undefined;
}

export type { WebApiError };
