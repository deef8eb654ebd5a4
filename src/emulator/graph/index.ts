/**
 * A Microsoft Graph subset for owner checks of a migration audit: `GET /v1.0/users/{id}` with
 * `accountEnabled`. Users are the emulator's system users: `azureactivedirectoryobjectid` is the
 * Graph id and `isdisabled` the inverse of `accountEnabled`, so seed data decides who is disabled
 * and who is gone (a system user without an object id, or none at all, is a deleted Entra user).
 * https://learn.microsoft.com/graph/api/user-get
 */
import { Tables } from '../../model/names.js';
import type { CoreRequest, CoreResponse, EmulatorCore, EmulatorPlugin, RowValues } from '../core/types.js';

/** Graph user properties the emulator can answer, and the default set returned without `$select`. */
const USER_PROPERTIES = ['id', 'displayName', 'userPrincipalName', 'accountEnabled', 'mail', 'givenName', 'surname'] as const;
type UserProperty = (typeof USER_PROPERTIES)[number];
// Graph v1.0 leaves accountEnabled out of the default set: it must be asked for with $select.
const DEFAULT_PROPERTIES: readonly UserProperty[] = ['id', 'displayName', 'givenName', 'surname', 'mail', 'userPrincipalName'];

const GRAPH_CONTENT_TYPE = 'application/json; odata.metadata=minimal; charset=utf-8';

function graphError(request: CoreRequest, status: number, code: string, message: string): CoreResponse {
  const body = { error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': request.id, 'client-request-id': request.id } } };
  return { status, headers: { 'Content-Type': GRAPH_CONTENT_TYPE, 'request-id': request.id }, body: JSON.stringify(body) };
}

function userProperty(row: RowValues, id: string, property: UserProperty): unknown {
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  switch (property) {
    case 'id':
      return id;
    case 'displayName':
      return str(row.fullname) ?? ([str(row.firstname), str(row.lastname)].filter(Boolean).join(' ') || null);
    case 'userPrincipalName':
      return str(row.domainname) ?? str(row.internalemailaddress);
    case 'accountEnabled':
      return row.isdisabled !== true;
    case 'mail':
      return str(row.internalemailaddress);
    case 'givenName':
      return str(row.firstname);
    case 'surname':
      return str(row.lastname);
  }
}

/** The system user whose Entra object id (or user principal name) is `key`. */
function findUser(core: EmulatorCore, key: string): RowValues | undefined {
  const wanted = key.toLowerCase();
  for (const row of core.store.scan(Tables.systemUser.entitySet)) {
    const oid = row.values.azureactivedirectoryobjectid;
    if (typeof oid === 'string' && oid.toLowerCase() === wanted) return row.values;
  }
  if (!wanted.includes('@')) return undefined;
  for (const row of core.store.scan(Tables.systemUser.entitySet)) {
    const upn = row.values.domainname;
    if (typeof upn === 'string' && upn.toLowerCase() === wanted && typeof row.values.azureactivedirectoryobjectid === 'string') return row.values;
  }
  return undefined;
}

function getUser(core: EmulatorCore, request: CoreRequest, key: string, query: URLSearchParams): CoreResponse {
  let properties: UserProperty[] = [...DEFAULT_PROPERTIES];
  let context = 'users/$entity';
  const select = query.get('$select');
  if (select !== null && select.trim() !== '') {
    properties = [];
    for (const name of select.split(',').map((s) => s.trim())) {
      const match = USER_PROPERTIES.find((p) => p.toLowerCase() === name.toLowerCase());
      if (match === undefined) return graphError(request, 400, 'Request_BadRequest', `Could not find a property named '${name}' on type 'microsoft.graph.user'.`);
      if (!properties.includes(match)) properties.push(match);
    }
    context = `users(${properties.join(',')})/$entity`;
    // The emulator always includes the key, so callers can match answers to requests.
    if (!properties.includes('id')) properties.unshift('id');
  }
  const row = findUser(core, key);
  if (row === undefined) {
    return graphError(request, 404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
  }
  const id = String(row.azureactivedirectoryobjectid).toLowerCase();
  const body: Record<string, unknown> = { '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#${context}` };
  for (const p of properties) body[p] = userProperty(row, id, p);
  return { status: 200, headers: { 'Content-Type': GRAPH_CONTENT_TYPE, 'request-id': request.id }, body: JSON.stringify(body) };
}

/** The Graph plugin: answers `/v1.0/...`; `GET /v1.0/users/{id | userPrincipalName}` is implemented. */
export function graphPlugin(): EmulatorPlugin {
  return {
    name: 'graph',
    route(request, core) {
      const [path = '', search = ''] = request.url.split('?', 2) as [string, string?];
      if (!path.startsWith('/v1.0/')) return undefined;
      const query = new URLSearchParams(search);
      const match = /^\/v1\.0\/users\/([^/]+)\/?$/.exec(path);
      if (match === null) {
        return graphError(request, 501, 'NotImplemented', `The emulator's Graph subset implements GET /v1.0/users/{id} only, not ${request.method} ${path}.`);
      }
      if (request.method !== 'GET') {
        return graphError(request, 405, 'Request_BadRequest', `The emulator's Graph subset is read-only: ${request.method} is not supported on /v1.0/users/{id}.`);
      }
      let key: string;
      try {
        key = decodeURIComponent(match[1]!);
      } catch {
        return graphError(request, 400, 'Request_BadRequest', `Invalid user id '${match[1]!}'.`);
      }
      return getUser(core, request, key, query);
    },
  };
}
