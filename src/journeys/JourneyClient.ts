/**
 * Customer journeys (`msdyncrm_customerjourney`) on the Dataverse client: CRUD typed over
 * `JourneyRecord`, create from a template, go-live and stop as pollers, and the online error check.
 * https://learn.microsoft.com/dynamics365/marketing/developer/basic-operations-on-customer-journey
 */
import { randomUUID } from 'node:crypto';
import { InputError } from '../errors.js';
import { parseGuid } from '../util/guid.js';
import type { DataverseClient, OperationOptions } from '../dataverse/DataverseClient.js';
import { isActionNotAvailableError } from '../dataverse/errors.js';
import { formatLiteral } from '../dataverse/odata.js';
import { pagedIterator, type Page, type PagedAsyncIterableIterator } from '../dataverse/paging.js';
import { journeyFromWebApi, journeyToWebApi, type JourneyRecord } from '../model/journeyRecord.js';
import { Actions, JourneyAttributes as A, JourneyLookups as L, Tables } from '../model/names.js';
import { JourneyStatus } from '../model/optionSets.js';
import { allowedJourneyTransitions, isJourneyTransitionAllowed } from '../model/transitions.js';
import { validateJourney } from '../validation/validator.js';
import type { Finding } from '../validation/finding.js';
import { InvalidTransitionError, JourneyOperationFailedError, outboundRemovedError } from './errors.js';
import { draftToRecord, isJourneyDraft, recordToValidatorFields, type JourneyDraft } from './journeyInput.js';
import { JourneyPoller, type JourneyPollerOptions, type ObservedJourneyStatus } from './JourneyPoller.js';
import type { JourneyOperationKind } from './operationState.js';
import { validateOnline, type OnlineValidationResult } from './validateOnline.js';

const SET = Tables.customerJourney.entitySet;

/** Options of {@link JourneyClient}. */
export interface JourneyClientOptions {
  /** Time between two polls of a go-live or stop. @default 2000 */
  pollIntervalInMs?: number;
}

/** Filters of {@link JourneyClient.list}. */
export interface ListJourneysOptions extends OperationOptions {
  /** Only journeys in this statuscode (or any of these). */
  status?: number | readonly number[];
  /** Only journeys whose name contains this text (case-insensitive, as Dataverse `contains`). */
  name?: string;
  /** Only journeys modified at or after this time. */
  modifiedSince?: Date | string;
  /** Only journeys owned by this user or team id. */
  ownerId?: string;
  /** Rows per page. @default 5000 */
  maxPageSize?: number;
  /**
   * Columns to read. @default id, name, statuscode, statecode, start, end, owner, modifiedon
   * (not the definition: listing stays cheap)
   */
  select?: readonly string[];
}

/** Options of {@link JourneyClient.update}. */
export interface UpdateJourneyOptions extends OperationOptions {
  /** `If-Match`: update only this version (from `record.etag`). @default any version */
  etag?: string;
}

/** Options of {@link JourneyClient.beginGoLive}. */
export interface BeginGoLiveOptions extends OperationOptions, JourneyPollerOptions {
  /** Run the offline validator first; blocking findings stop the go-live. @default true */
  offlineValidation?: boolean;
  /** Run `msdyncrm_CustomerJourneyValidate` first; blocking findings stop the go-live. @default true */
  onlineValidation?: boolean;
}

/** Options of {@link JourneyClient.beginStop}. */
export type BeginStopOptions = OperationOptions & JourneyPollerOptions;

/** Options of {@link JourneyClient.validate}. */
export type ValidateOnlineOptions = OperationOptions;

/** The columns a list reads unless told otherwise. */
export const DEFAULT_LIST_COLUMNS: readonly string[] = [
  A.id,
  A.name,
  A.statusCode,
  A.stateCode,
  A.startDateTime,
  A.endDateTime,
  L.owner.valueProperty,
  A.modifiedOn,
];

/** Columns copied from a template into a journey created from it. */
const TEMPLATE_COLUMNS: readonly string[] = [
  A.name,
  A.workflowDefinition,
  A.designerState,
  A.entityTarget,
  A.isRecurring,
  A.recurrenceCount,
  A.recurrenceIntervalDays,
];

/**
 * Journeys of one environment.
 * @example
 * const journeys = new JourneyClient(new DataverseClient({ url }));
 * const { id } = await journeys.create({ fields: { msdyncrm_name: 'Welcome' }, definition });
 * const poller = await journeys.beginGoLive(id);
 * await poller.pollUntilDone({ timeoutInMs: 600_000 });
 */
export class JourneyClient {
  private readonly pollIntervalInMs: number | undefined;

  constructor(
    readonly client: DataverseClient,
    options: JourneyClientOptions = {},
  ) {
    this.pollIntervalInMs = options.pollIntervalInMs;
  }

  /**
   * Create a journey in Draft with a client-generated id (a retried POST cannot create a second
   * one). From a record, or from Web API fields plus a definition; the designer state is computed
   * from the definition when not given.
   * @returns the created journey as stored
   * @throws InputError when the input asks for another status than Draft, or is malformed
   */
  async create(input: JourneyRecord | JourneyDraft, options: OperationOptions = {}): Promise<JourneyRecord> {
    const record: JourneyRecord = isJourneyDraft(input) ? draftToRecord(input) : { ...input };
    if (record.statusCode !== undefined && record.statusCode !== null && record.statusCode !== JourneyStatus.Draft) {
      throw new InputError(
        `A journey is created in Draft, not in status ${record.statusCode}`,
        { pointer: `/${A.statusCode}` },
        { hint: 'Leave statuscode out (or set it to 192350000), then go live with beginGoLive / journeyctl journeys go-live.' },
      );
    }
    if (!record.name) throw new InputError('A journey needs a name (msdyncrm_name)', { pointer: `/${A.name}` }, { hint: 'Set msdyncrm_name.' });
    if (record.workflowDefinition && !record.designerState) {
      record.designerState = draftToRecord({ definition: record.workflowDefinition }).designerState ?? null;
    }
    const id = normalizeId(record.id ?? randomUUID());
    const body = journeyToWebApi({ ...record, id, statusCode: undefined, stateCode: undefined }, { mode: 'create' });
    const result = await this.client.create(SET, body, { id, primaryKey: A.id, returnRepresentation: true, ...operationOptions(options) });
    return result.record ? journeyFromWebApi(result.record) : { ...record, id: result.id };
  }

  /** Read a journey (every column). @throws NotFoundError when there is none with this id */
  async get(id: string, options: OperationOptions & { select?: readonly string[] } = {}): Promise<JourneyRecord> {
    const entity = await this.client.retrieve(SET, normalizeId(id), {
      ...(options.select ? { select: options.select } : {}),
      includeAnnotations: 'Microsoft.Dynamics.CRM.lookuplogicalname',
      ...operationOptions(options),
    });
    return journeyFromWebApi(entity);
  }

  /**
   * The journey with exactly this name, or `undefined`.
   * @throws InputError when several journeys have it (pass an id instead)
   */
  async findByName(name: string, options: OperationOptions = {}): Promise<JourneyRecord | undefined> {
    const found: JourneyRecord[] = [];
    const pages = this.client.query(SET, { filter: `${A.name} eq ${formatLiteral(name)}`, ...operationOptions(options) }).byPage({ maxPageSize: 2 });
    const first = await pages.next();
    if (!first.done) for (const entity of first.value.items) found.push(journeyFromWebApi(entity));
    await pages.return?.();
    if (found.length > 1) {
      throw new InputError(`Several journeys are named ${JSON.stringify(name)}`, {}, { hint: 'Name the journey by its id instead (e.g. --id).' });
    }
    return found[0];
  }

  /**
   * Journeys page by page (`for await`, or `.byPage()`), filtered on the server. Reads a few
   * columns by default (see {@link ListJourneysOptions.select}).
   */
  list(options: ListJourneysOptions = {}): PagedAsyncIterableIterator<JourneyRecord> {
    const filter = listFilter(options);
    const rows = this.client.query(SET, {
      select: options.select ?? DEFAULT_LIST_COLUMNS,
      ...(filter ? { filter } : {}),
      orderBy: [`${A.name} asc`, `${A.id} asc`],
      ...(options.maxPageSize === undefined ? {} : { maxPageSize: options.maxPageSize }),
      includeAnnotations: 'Microsoft.Dynamics.CRM.lookuplogicalname',
      ...operationOptions(options),
    });
    return pagedIterator<JourneyRecord>(async function* pages(settings): AsyncIterableIterator<Page<JourneyRecord>> {
      for await (const page of rows.byPage(settings)) {
        yield { ...page, items: page.items.map((entity) => journeyFromWebApi(entity)) };
      }
    });
  }

  /**
   * Update a journey. A status change is checked against the transition table first (one read of
   * the current status) and refused before any write when it is not allowed. To go live or stop,
   * use {@link JourneyClient.beginGoLive} / {@link JourneyClient.beginStop}: they validate first
   * and return a poller.
   * @throws InvalidTransitionError when `changes.statusCode` is not reachable from the current status
   */
  async update(id: string, changes: JourneyRecord, options: UpdateJourneyOptions = {}): Promise<void> {
    const key = normalizeId(id);
    if (changes.statusCode !== undefined && changes.statusCode !== null) {
      const { statusCode } = await this.readStatus(key, options);
      this.assertTransition(key, statusCode, changes.statusCode, 'update');
    }
    const body = journeyToWebApi({ ...changes, stateCode: undefined }, { mode: 'update' });
    if (Object.keys(body).length === 0) return;
    await this.client.update(SET, key, body, { ...(options.etag ? { etag: options.etag } : {}), ...operationOptions(options) });
  }

  /** Delete a journey (the service refuses while it is Live). */
  async delete(id: string, options: OperationOptions = {}): Promise<void> {
    await this.client.delete(SET, normalizeId(id), operationOptions(options));
  }

  /**
   * Create a journey from a template: its workflow definition **and** designer state are copied
   * (the designer state must travel with the definition), with its target and recurrence, and
   * the template is bound (`msdyncrm_CustomerJourneyTemplate`). `overrides` win.
   */
  async createFromTemplate(templateId: string, overrides: JourneyRecord = {}, options: OperationOptions = {}): Promise<JourneyRecord> {
    const template = await this.client.retrieve(Tables.journeyTemplate.entitySet, normalizeId(templateId), {
      select: TEMPLATE_COLUMNS,
      ...operationOptions(options),
    });
    const copied = journeyFromWebApi(pick(template, TEMPLATE_COLUMNS));
    return this.create({ ...copied, ...definedOnly(overrides), templateId: normalizeId(templateId) }, options);
  }

  /** The status of a journey and its last check results (what pollers read). */
  async readStatus(id: string, options: OperationOptions = {}): Promise<ObservedJourneyStatus> {
    const entity = await this.client.retrieve(SET, normalizeId(id), { select: [A.statusCode, A.validationResults], ...operationOptions(options) });
    const statusCode = Number(entity[A.statusCode]);
    const raw = entity[A.validationResults];
    return { statusCode, validationResults: typeof raw === 'string' ? raw : null };
  }

  /**
   * Take a journey live: offline validation, online validation (`msdyncrm_CustomerJourneyValidate`),
   * then `statuscode` = Going live (the documented REST call patches statuscode; Microsoft's C#
   * sample sets statecode, which is wrong). The returned poller ends Live, or fails with the
   * server's validation results. A journey already Going live gets a poller without a new write.
   * @throws InvalidTransitionError before any write when the journey cannot go live from its status
   * @throws JourneyOperationFailedError (stage offline-validation / online-validation) with the findings
   * @throws ActionNotAvailableError when outbound marketing was removed from the environment
   */
  async beginGoLive(id: string, options: BeginGoLiveOptions = {}): Promise<JourneyPoller> {
    const key = normalizeId(id);
    const journey = await this.get(key, operationOptions(options));
    const from = journey.statusCode ?? JourneyStatus.Draft;
    if (from === JourneyStatus.GoingLive) return this.poller('goLive', key, options);
    this.assertTransition(key, from, JourneyStatus.GoingLive, 'take live');
    if (options.offlineValidation ?? true) {
      const findings = validateJourney({
        definition: journey.workflowDefinition ?? null,
        fields: recordToValidatorFields(journey),
        designerState: journey.designerState ?? undefined,
      });
      stopOnErrors(key, findings, 'offline-validation');
    }
    // Without the outbound actions the service never completes a go-live: say so before writing.
    if (!(await this.client.hasAction(Actions.customerJourneyValidate, operationOptions(options)))) throw outboundRemovedError('take the journey live');
    if (options.onlineValidation ?? true) {
      const online = await this.validateRecord(journey, options);
      stopOnErrors(key, online.findings, 'online-validation');
    }
    await this.client.update(SET, key, { [A.statusCode]: JourneyStatus.GoingLive }, operationOptions(options));
    return this.poller('goLive', key, options);
  }

  /**
   * Stop a live journey: `statuscode` = Stopping; the poller ends Stopped. A journey already
   * Stopping gets a poller without a new write.
   * @throws InvalidTransitionError before any write when the journey cannot be stopped from its status
   */
  async beginStop(id: string, options: BeginStopOptions = {}): Promise<JourneyPoller> {
    const key = normalizeId(id);
    const { statusCode } = await this.readStatus(key, options);
    if (statusCode === JourneyStatus.Stopping) return this.poller('stop', key, options);
    this.assertTransition(key, statusCode, JourneyStatus.Stopping, 'stop');
    await this.client.update(SET, key, { [A.statusCode]: JourneyStatus.Stopping }, operationOptions(options));
    return this.poller('stop', key, options);
  }

  /** A poller for a status change started elsewhere (see also {@link JourneyPoller.resume}). */
  poller(operation: JourneyOperationKind, id: string, options: JourneyPollerOptions = {}): JourneyPoller {
    const goLive = operation === 'goLive';
    return new JourneyPoller(
      this,
      {
        version: 1,
        operation,
        status: 'running',
        journeyId: normalizeId(id),
        target: goLive ? JourneyStatus.Live : JourneyStatus.Stopped,
        pending: goLive ? JourneyStatus.GoingLive : JourneyStatus.Stopping,
      },
      this.pollerOptions(options),
    );
  }

  /** The poller's interval (this client's default unless given) and clock (the Dataverse client's unless given). */
  private pollerOptions(options: JourneyPollerOptions): JourneyPollerOptions {
    const interval = options.pollIntervalInMs ?? this.pollIntervalInMs;
    return { clock: options.clock ?? this.client.clock, ...(interval === undefined ? {} : { pollIntervalInMs: interval }) };
  }

  /** Continue a serialized poller with this client. */
  resumePoller(serialized: string, options: JourneyPollerOptions = {}): JourneyPoller {
    return JourneyPoller.resume(this, serialized, this.pollerOptions(options));
  }

  /**
   * The server's error check ("Check for errors", `msdyncrm_CustomerJourneyValidate`) of a stored
   * journey (by id) or of a local one, as findings.
   * @throws ActionNotAvailableError when outbound marketing was removed from the environment
   */
  async validate(target: string | JourneyRecord | JourneyDraft, options: ValidateOnlineOptions = {}): Promise<OnlineValidationResult> {
    const record =
      typeof target === 'string' ? await this.get(target, operationOptions(options)) : isJourneyDraft(target) ? draftToRecord(target) : target;
    return this.validateRecord(record, options);
  }

  private async validateRecord(record: JourneyRecord, options: OperationOptions): Promise<OnlineValidationResult> {
    try {
      return await validateOnline(this.client, record, options);
    } catch (error) {
      if (isActionNotAvailableError(error)) throw outboundRemovedError('validate the journey online', error);
      throw error;
    }
  }

  private assertTransition(id: string, from: number, to: number, action: string): void {
    if (!isJourneyTransitionAllowed(from, to)) throw new InvalidTransitionError(id, from, to, allowedJourneyTransitions(from), action);
  }
}

function stopOnErrors(id: string, findings: readonly Finding[], stage: 'offline-validation' | 'online-validation'): void {
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length === 0) return;
  const where = stage === 'offline-validation' ? 'the offline check' : 'the server check (msdyncrm_CustomerJourneyValidate)';
  throw new JourneyOperationFailedError(
    `Journey ${id} was not taken live: ${where} found ${errors.length} error(s): ${errors.map((f) => (f.activityId ? `${f.ruleId} (tile ${f.activityId})` : f.ruleId)).join(', ')}`,
    { stage, findings, hint: 'Fix the findings and go live again; nothing was changed.' },
  );
}

function listFilter(options: ListJourneysOptions): string | undefined {
  const clauses: string[] = [];
  if (options.status !== undefined) {
    const statuses = typeof options.status === 'number' ? [options.status] : options.status;
    if (statuses.length > 0) clauses.push(`(${statuses.map((s) => `${A.statusCode} eq ${Number(s)}`).join(' or ')})`);
  }
  if (options.name !== undefined && options.name !== '') clauses.push(`contains(${A.name},${formatLiteral(options.name)})`);
  if (options.modifiedSince !== undefined) {
    const time = new Date(options.modifiedSince);
    if (Number.isNaN(time.getTime())) {
      throw new InputError(`modifiedSince is not a date: ${JSON.stringify(options.modifiedSince)}`, {}, { hint: 'Use an ISO 8601 date, e.g. 2026-01-31T00:00:00Z.' });
    }
    clauses.push(`${A.modifiedOn} ge ${time.toISOString()}`);
  }
  if (options.ownerId !== undefined) clauses.push(`${L.owner.valueProperty} eq ${normalizeId(options.ownerId)}`);
  return clauses.length > 0 ? clauses.join(' and ') : undefined;
}

/** A GUID in the bare lowercase form. @throws InputError when the value is not a GUID */
export function normalizeId(id: string): string {
  const guid = parseGuid(id);
  if (guid === undefined) throw new InputError(`${JSON.stringify(id)} is not a journey id (a GUID)`, {}, { hint: 'Use the record id, e.g. 6628bbf7-3b1b-e911-a9b7-000d3a1e6adc.' });
  return guid;
}

function pick(entity: Record<string, unknown>, columns: readonly string[]): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const column of columns) if (Object.prototype.hasOwnProperty.call(entity, column)) out[column] = entity[column];
  return out;
}

function definedOnly(record: JourneyRecord): JourneyRecord {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as JourneyRecord;
}

function operationOptions(options: OperationOptions): OperationOptions {
  return { ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}), ...(options.headers ? { headers: options.headers } : {}) };
}
