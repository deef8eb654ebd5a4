/**
 * Actions and functions: the registry (core `WhoAmI` plus plugins'), function parameter parsing
 * (inline `Fn(A=1)` and aliased `Fn(A=@p1)?@p1=...`) and the `<Name>Response` envelope.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/use-web-api-functions
 */
import { badRequest, notImplemented } from './errors.js';
import { jsonResponse, noContent } from './http.js';
import type { CoreResponse, EmulatorCore, OperationHandler } from './types.js';
import type { RequestScope } from './engine.js';
import { decodeLiteral, parseKeyValues } from './odata/literals.js';

/** Operations by name (case-sensitive, as in Dataverse). */
export type OperationRegistry = Map<string, OperationHandler>;

/** The core's own operations. */
export function coreOperations(): Record<string, OperationHandler> {
  return {
    WhoAmI: {
      kind: 'function',
      handle: ({ core, user }) => ({
        BusinessUnitId: core.identity.businessUnitId,
        UserId: user,
        OrganizationId: core.identity.organizationId,
      }),
    },
  };
}

/** Parses the parameters of a function call segment `Name(A=@p1,B='x')` with the query's aliases. */
export function parseFunctionSegment(key: string | undefined, query: ReadonlyMap<string, string>): Record<string, unknown> {
  const parameters: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (key === undefined || key.trim() === '') return parameters;
  for (const [name, literal] of parseKeyValues(key)) {
    if (literal.startsWith('@')) {
      const aliased = query.get(literal);
      // An alias without a value is null, as in $filter.
      parameters[name] = aliased === undefined ? null : decodeAliasValue(aliased);
    } else parameters[name] = decodeLiteral(literal);
  }
  return parameters;
}

/** Alias values: quoted strings, numbers, GUIDs, JSON objects/arrays, enum literals. */
function decodeAliasValue(value: string): unknown {
  const enumLiteral = /^Microsoft\.Dynamics\.CRM\.[A-Za-z0-9_]+'([^']*)'$/.exec(value);
  if (enumLiteral) return enumLiteral[1];
  if (value.startsWith('{') && value.includes("'@odata.id'")) {
    // `{'@odata.id':'contacts(<id>)'}`: single-quoted JSON as the docs show it.
    try {
      return JSON.parse(value.replace(/'/g, '"')) as unknown;
    } catch {
      throw badRequest(`The parameter value '${value.slice(0, 100)}' is not valid.`);
    }
  }
  return decodeLiteral(value);
}

/**
 * Runs an operation and wraps its result: undefined -> 204, an object -> 200 with
 * `@odata.context: <root>$metadata#Microsoft.Dynamics.CRM.<Name>Response`.
 */
export function invokeOperation(
  name: string,
  handler: OperationHandler,
  parameters: Record<string, unknown>,
  target: { entitySet: string; id: string } | undefined,
  scope: RequestScope,
  core: EmulatorCore,
): CoreResponse | Promise<CoreResponse> {
  const wrap = (result: unknown): CoreResponse => {
    if (result === undefined || result === null) return noContent();
    if (typeof result !== 'object' || Array.isArray(result)) return jsonResponse(200, { '@odata.context': `${scope.root}$metadata#Microsoft.Dynamics.CRM.${name}Response`, value: result });
    const body: Record<string, unknown> = { '@odata.context': `${scope.root}$metadata#Microsoft.Dynamics.CRM.${name}Response` };
    for (const [key, value] of Object.entries(result as Record<string, unknown>)) body[key] = value;
    return jsonResponse(200, body);
  };
  const result = handler.handle({
    name,
    parameters,
    ...(target ? { target } : {}),
    user: scope.request.user,
    request: scope.request,
    core,
  });
  if (result instanceof Promise) {
    if (scope.resolveContentId) {
      // Change sets run in one synchronous SQLite transaction, which cannot wait for a promise.
      void result.catch(() => undefined);
      throw notImplemented(`the asynchronous operation '${name}' inside a change set`);
    }
    return result.then(wrap);
  }
  return wrap(result);
}
