/**
 * Custom APIs that run in the emulator: every `customapi` row becomes a callable action or
 * function. Request parameters are checked against its `customapirequestparameter` rows (type,
 * required, unknown names), the bound record against its binding, and what the implementation
 * returns against its `customapiresponseproperty` rows. The implementation (a JavaScript module or
 * an HTTP endpoint, bound when the emulator starts) stands in for the main-operation plug-in;
 * without one, the response properties are null, as Dataverse answers a custom API without a plug-in.
 * https://learn.microsoft.com/power-apps/developer/data-platform/custom-api
 * https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Tables } from '../../model/names.js';
import { WebApiError, badRequest } from '../core/errors.js';
import type { EmulatorCore, EmulatorPlugin, OperationContext, OperationHandler, RowValues } from '../core/types.js';
import type { CustomApiHandler, CustomApiImplementation, CustomApiRequest, CustomApiRuntimeOptions } from './types.js';

export type { CustomApiHandler, CustomApiImplementation, CustomApiRequest, CustomApiRuntimeOptions } from './types.js';

/** The field types of request parameters and response properties (customapifieldtype). */
const FIELD_TYPES = ['Boolean', 'DateTime', 'Decimal', 'Entity', 'EntityCollection', 'EntityReference', 'Float', 'Integer', 'Money', 'Picklist', 'String', 'StringArray', 'Guid'] as const;
const EDM: Record<string, string> = {
  Boolean: 'Edm.Boolean',
  DateTime: 'Edm.DateTimeOffset',
  Decimal: 'Edm.Decimal',
  Entity: 'mscrm.crmbaseentity',
  EntityCollection: 'Collection(mscrm.crmbaseentity)',
  EntityReference: 'mscrm.crmbaseentity',
  Float: 'Edm.Double',
  Integer: 'Edm.Int32',
  Money: 'Edm.Decimal',
  Picklist: 'Edm.Int32',
  String: 'Edm.String',
  StringArray: 'Collection(Edm.String)',
  Guid: 'Edm.Guid',
};

interface Member {
  uniqueName: string;
  type: string;
  optional: boolean;
}

interface Definition {
  uniqueName: string;
  isFunction: boolean;
  binding: 'none' | 'entity' | 'collection';
  boundEntityLogicalName?: string;
  requestParameters: Member[];
  responseProperties: Member[];
}

/** The definition of a custom API in the store, or undefined. */
function readDefinition(core: EmulatorCore, name: string): Definition | undefined {
  let api: { id: string; values: RowValues } | undefined;
  for (const row of core.store.scan(Tables.customApi.entitySet)) {
    if (row.values.uniquename === name) {
      api = row;
      break;
    }
  }
  if (!api) return undefined;
  const members = (entitySet: string): Member[] => {
    const out: Member[] = [];
    for (const row of core.store.scan(entitySet)) {
      if (row.values.customapiid !== api!.id) continue;
      out.push({ uniqueName: String(row.values.uniquename), type: FIELD_TYPES[Number(row.values.type)] ?? 'String', optional: row.values.isoptional === true });
    }
    return out;
  };
  const bindingType = Number(api.values.bindingtype ?? 0);
  const definition: Definition = {
    uniqueName: name,
    isFunction: api.values.isfunction === true,
    binding: bindingType === 1 ? 'entity' : bindingType === 2 ? 'collection' : 'none',
    requestParameters: members(Tables.customApiRequestParameter.entitySet),
    responseProperties: members(Tables.customApiResponseProperty.entitySet),
  };
  if (typeof api.values.boundentitylogicalname === 'string') definition.boundEntityLogicalName = api.values.boundentitylogicalname;
  return definition;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a JSON value fits a field type. */
function fits(type: string, value: unknown): boolean {
  switch (type) {
    case 'Boolean':
      return typeof value === 'boolean';
    case 'DateTime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'Decimal':
    case 'Float':
    case 'Money':
      return typeof value === 'number' && Number.isFinite(value);
    case 'Integer':
    case 'Picklist':
      return typeof value === 'number' && Number.isInteger(value);
    case 'String':
      return typeof value === 'string';
    case 'StringArray':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'Guid':
      return typeof value === 'string' && GUID.test(value);
    case 'Entity':
    case 'EntityReference':
      return isObject(value);
    case 'EntityCollection':
      return Array.isArray(value) && value.every(isObject);
    default:
      return true;
  }
}

function literal(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return (text ?? String(value)).slice(0, 100);
}

/** 400 `0x80040265`: the plug-in (here: the bound implementation) failed. */
function pluginError(message: string): WebApiError {
  return new WebApiError(400, '0x80040265', message);
}

/** Check the request parameters against the definition; Dataverse's errors for each way they break it. */
export function checkParameters(definition: Definition, parameters: Record<string, unknown>): void {
  const declared = new Map(definition.requestParameters.map((p) => [p.uniqueName, p]));
  for (const name of Object.keys(parameters)) {
    if (name.startsWith('@')) continue;
    if (!declared.has(name) && !(definition.binding === 'entity' && name === 'Target')) {
      throw badRequest(`The parameter '${name}' in the request payload is not a valid parameter for the operation '${definition.uniqueName}'.`);
    }
  }
  for (const parameter of definition.requestParameters) {
    const value = parameters[parameter.uniqueName];
    if (value === undefined || value === null) {
      if (!parameter.optional) throw new WebApiError(400, '0x80040203', `The request parameter '${parameter.uniqueName}' of '${definition.uniqueName}' is required and has no value.`);
      continue;
    }
    if (!fits(parameter.type, value)) {
      throw badRequest(`Cannot convert the literal '${literal(value)}' to the expected type '${EDM[parameter.type] ?? parameter.type}' of the parameter '${parameter.uniqueName}'.`);
    }
  }
}

/** Check what an implementation returned against the response properties; absent ones are null. */
export function checkOutputs(definition: Definition, result: unknown): Record<string, unknown> | undefined {
  if (definition.responseProperties.length === 0) {
    if (result !== undefined && result !== null && !(isObject(result) && Object.keys(result).length === 0)) {
      throw pluginError(`The implementation of '${definition.uniqueName}' returned output, but the custom API has no response properties.`);
    }
    return undefined;
  }
  if (result !== undefined && result !== null && !isObject(result)) {
    throw pluginError(`The implementation of '${definition.uniqueName}' must return an object of response properties, got ${Array.isArray(result) ? 'an array' : typeof result}.`);
  }
  const given = (result ?? {}) as Record<string, unknown>;
  const declared = new Map(definition.responseProperties.map((p) => [p.uniqueName, p]));
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) throw pluginError(`The implementation of '${definition.uniqueName}' set '${name}', which is not a response property of the custom API.`);
  }
  const out: Record<string, unknown> = {};
  for (const property of definition.responseProperties) {
    const value = given[property.uniqueName];
    if (value !== undefined && value !== null && !fits(property.type, value)) {
      throw pluginError(`The implementation of '${definition.uniqueName}' set the response property '${property.uniqueName}' to a value that is not ${property.type}: ${literal(value)}.`);
    }
    out[property.uniqueName] = value ?? null;
  }
  return out;
}

/** A bound implementation, ready to call. */
type Invoke = (request: Omit<CustomApiRequest, 'execute'>, execute: CustomApiRequest['execute']) => Promise<unknown>;

/** Load a JavaScript module's export. Throws a plain Error naming the file and export. */
async function loadModule(spec: string, baseDir: string): Promise<CustomApiHandler> {
  const hash = spec.lastIndexOf('#');
  const path = hash > 0 ? spec.slice(0, hash) : spec;
  const exportName = hash > 0 ? spec.slice(hash + 1) : 'default';
  const file = resolve(baseDir, path);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`cannot load the custom API module ${file}: ${(error as Error).message}`);
  }
  const handler = module[exportName];
  if (typeof handler !== 'function') throw new Error(`the custom API module ${file} has no function export "${exportName}"`);
  return handler as CustomApiHandler;
}

function httpInvoke(url: string, timeoutMs: number): Invoke {
  return async (request) => {
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request), signal });
    } catch (error) {
      if (signal.aborted) throw new Error('timeout');
      throw pluginError(`The custom API endpoint ${url} could not be reached: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw pluginError(`The custom API endpoint answered ${response.status}: ${text.slice(0, 500)}`);
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw pluginError(`The custom API endpoint ${url} answered malformed JSON: ${text.slice(0, 200)}`);
    }
  };
}

/** Run `work` for at most `timeoutMs`. */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(pluginError(`The plug-in execution failed because the operation has timed-out at the Sandbox Host. (${name}: no answer within ${timeoutMs} ms)`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (error) {
    if (error instanceof Error && error.message === 'timeout') {
      throw pluginError(`The plug-in execution failed because the operation has timed-out at the Sandbox Host. (${name}: no answer within ${timeoutMs} ms)`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Execute a message in-process as `user` (what the implementation's `execute` does). */
function executor(core: EmulatorCore, user: string): CustomApiRequest['execute'] {
  return async (message, parameters = {}) => {
    const response = await core.dispatch({
      id: randomUUID(),
      method: 'POST',
      url: `/api/data/v9.2/${encodeURIComponent(message)}`,
      headers: { 'content-type': 'application/json', host: new URL(core.url).host },
      body: Buffer.from(JSON.stringify(parameters)),
      user,
      receivedAt: Date.now(),
      inBatch: false,
    });
    const text = typeof response.body === 'string' ? response.body : response.body.toString('utf8');
    const body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    if (response.status >= 400) {
      const error = (body?.error ?? {}) as { code?: string; message?: string };
      throw new Error(`${message} failed with ${response.status} ${error.code ?? ''}: ${error.message ?? text}`);
    }
    if (body) delete body['@odata.context'];
    return body;
  };
}

/** Validate a binding's form (not its target) early, so bad configuration fails at start. */
export function parseCustomApiBinding(text: string): [name: string, implementation: string] {
  const equals = text.indexOf('=');
  const name = equals > 0 ? text.slice(0, equals).trim() : '';
  const implementation = equals > 0 ? text.slice(equals + 1).trim() : '';
  if (!/^[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+$/.test(name) || implementation === '') {
    throw new Error(`"${text}" is not a custom API binding: expected <uniqueName>=<module.mjs[#export] or http(s)://url>`);
  }
  return [name, implementation];
}

/**
 * The plugin: custom API rows become operations, with their bound implementations. Modules are
 * loaded here, before the emulator starts, so a missing file or export fails the start.
 */
export async function customApiRuntimePlugin(options: CustomApiRuntimeOptions = {}): Promise<EmulatorPlugin> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const baseDir = options.baseDir ?? process.cwd();
  const invokers = new Map<string, Invoke>();
  const pending: Promise<void>[] = [];
  const bind = (name: string, implementation: CustomApiImplementation): void => {
    if (typeof implementation === 'function') {
      invokers.set(name, async (request, execute) => implementation({ ...request, execute }));
    } else if (/^https?:\/\//i.test(implementation)) {
      invokers.set(name, httpInvoke(implementation, timeoutMs));
    } else {
      pending.push(
        loadModule(implementation, baseDir).then((handler) => {
          invokers.set(name, async (request, execute) => handler({ ...request, execute }));
        }),
      );
    }
  };
  for (const [name, implementation] of Object.entries(options.bindings ?? {})) bind(name, implementation);
  await Promise.all(pending);

  const handlerFor = (definition: Definition): OperationHandler => ({
    kind: definition.isFunction ? 'function' : 'action',
    binding: definition.binding,
    async handle(context: OperationContext) {
      checkParameters(definition, context.parameters);
      if (definition.binding !== 'none' && definition.boundEntityLogicalName !== undefined && context.target) {
        const bound = context.core.entities.byLogicalName(definition.boundEntityLogicalName);
        if (bound && bound.entitySet !== context.target.entitySet) throw badRequest(`'${definition.uniqueName}' is bound to ${definition.boundEntityLogicalName}.`);
      }
      const invoke = invokers.get(definition.uniqueName);
      if (!invoke) return checkOutputs(definition, undefined);
      const parameters: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const [name, value] of Object.entries(context.parameters)) if (!name.startsWith('@')) parameters[name] = value;
      const request = {
        name: definition.uniqueName,
        parameters,
        ...(context.target ? { target: context.target } : {}),
        userId: context.user,
        organizationId: context.core.identity.organizationId,
      };
      let result: unknown;
      try {
        result = await withTimeout(Promise.resolve().then(() => invoke(request, executor(context.core, context.user))), timeoutMs, definition.uniqueName);
      } catch (error) {
        if (error instanceof WebApiError) throw error;
        // An exception in the plug-in: Dataverse answers with its message (InvalidPluginExecutionException).
        const message = error instanceof Error ? error.message : String(error);
        options.log?.(`custom API ${definition.uniqueName}: the implementation threw: ${message}`);
        throw pluginError(message || `The implementation of '${definition.uniqueName}' failed.`);
      }
      return checkOutputs(definition, result);
    },
  });

  return {
    name: 'customApiRuntime',
    resolveOperation(name, core) {
      const definition = readDefinition(core, name);
      if (!definition) return undefined;
      // A function without response properties is invalid and missing from $metadata: 404.
      if (definition.isFunction && definition.responseProperties.length === 0) return undefined;
      return handlerFor(definition);
    },
  };
}
