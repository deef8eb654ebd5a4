/**
 * Turns a request body into attribute values: checks every property against the table (unknown
 * property -> 400 `0x0`), converts types, enforces lengths and ranges (400 `0x80044331`), and
 * resolves `@odata.bind` references. Output objects have a null prototype: input keys such as
 * `__proto__` can never reach `Object.prototype`.
 */
import { badRequest, invalidArgument, unknownProperty, validation, type WebApiError } from './errors.js';
import type { CollectionRelation, ResolvedEntity } from './entities/registry.js';
import type { AttributeDefinition, RowValues } from './types.js';
import { BRACED_GUID_PATTERN, isGuid, parseGuid } from '../../util/guid.js';

export { isGuid };

const REFERENCE = new RegExp(`^([A-Za-z0-9_]+)\\((${BRACED_GUID_PATTERN})\\)$`);

/** `YYYY-MM-DDTHH:MM:SSZ`, the form Dataverse emits (DWA converts exactly this form to Date). */
export function formatDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A reference parsed from an `@odata.bind`/`@odata.id` value or a URL. */
export interface EntityReference {
  entitySet: string;
  id: string;
}

/** Resolves `$n` Content-ID references (batch change sets); undefined when unknown. */
export type ContentIdResolver = (reference: string) => EntityReference | undefined;

/** Parses `/contacts(<guid>)`, `contacts(<guid>)`, an absolute URL, or `$n` into a reference. */
export function parseReference(value: string, resolveContentId?: ContentIdResolver): EntityReference | undefined {
  if (value.startsWith('$')) return resolveContentId?.(value);
  let path = value;
  const api = path.indexOf('/api/data/v9.');
  if (api >= 0) path = path.slice(api).replace(/^\/api\/data\/v9\.\d\//, '');
  path = path.replace(/^\/+/, '');
  const match = REFERENCE.exec(path);
  return match ? { entitySet: match[1]!, id: parseGuid(match[2])! } : undefined;
}

/** Rows a deep insert creates after the parent (collection-valued navigation properties). */
export interface DeepInsert {
  navigation: CollectionRelation;
  bodies: unknown[];
}

/** A row a deep insert creates before the parent, bound through a single-valued navigation property. */
export interface SingleDeepInsert {
  attribute: AttributeDefinition;
  /** Entity set of the row to create. */
  entitySet: string;
  body: Record<string, unknown>;
}

/** Existing rows bound on create through `<collection>@odata.bind: [urls]`. */
export interface CollectionBind {
  navigation: CollectionRelation;
  references: EntityReference[];
}

/** The converted body. */
export interface ConvertedBody {
  values: RowValues;
  /** The primary key given in the body, if any. */
  id?: string;
  deepInserts: DeepInsert[];
  singleInserts: SingleDeepInsert[];
  collectionBinds: CollectionBind[];
  /** Lookups to check for existence: attribute -> reference. */
  references: { attribute: AttributeDefinition; reference: EntityReference }[];
}

/** Whether a value is a plain JSON object. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeError(attribute: AttributeDefinition, value: unknown, edm: string): WebApiError {
  return badRequest(`Cannot convert the literal '${JSON.stringify(value)}' to the expected type '${edm}' of property '${attribute.name}'.`);
}

/** Converts and checks one attribute value. */
export function convertValue(entity: ResolvedEntity, attribute: AttributeDefinition, value: unknown): unknown {
  if (value === null) return null;
  const logicalName = entity.definition.logicalName;
  switch (attribute.type) {
    case 'string':
    case 'memo': {
      if (typeof value !== 'string') throw typeError(attribute, value, 'Edm.String');
      const max = attribute.maxLength ?? (attribute.type === 'memo' ? 1_048_576 : 100);
      if (value.length > max) {
        throw validation(`The length of the '${attribute.name}' attribute of the '${logicalName}' entity exceeded the maximum allowed length of '${max}'.`);
      }
      return value;
    }
    case 'integer':
    case 'bigint':
    case 'decimal':
    case 'double':
    case 'money': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw typeError(attribute, value, attribute.type === 'integer' ? 'Edm.Int32' : 'Edm.Decimal');
      if ((attribute.type === 'integer' || attribute.type === 'bigint') && !Number.isInteger(value)) throw typeError(attribute, value, 'Edm.Int32');
      if ((attribute.min !== undefined && value < attribute.min) || (attribute.max !== undefined && value > attribute.max)) {
        throw validation(
          `The value ${value} of '${attribute.name}' on record of type '${logicalName}' is outside the valid range. Accepted Range: ${attribute.min ?? '-∞'} to ${attribute.max ?? '∞'}.`,
        );
      }
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw typeError(attribute, value, 'Edm.Boolean');
      return value;
    case 'datetime': {
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(value) || Number.isNaN(Date.parse(value))) {
        throw typeError(attribute, value, 'Edm.DateTimeOffset');
      }
      return formatDateTime(new Date(value));
    }
    case 'dateonly':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw typeError(attribute, value, 'Edm.Date');
      return value;
    case 'picklist':
    case 'state':
    case 'status':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(attribute, value, 'Edm.Int32');
      if (attribute.options && !Object.prototype.hasOwnProperty.call(attribute.options.labels, value)) {
        throw validation(`The value ${value} of '${attribute.name}' on record of type '${logicalName}' is not a valid option.`);
      }
      return value;
    case 'uniqueidentifier':
      if (!isGuid(value)) throw typeError(attribute, value, 'Edm.Guid');
      return value.toLowerCase();
    case 'managedproperty':
      if (!isJsonObject(value) || typeof value.Value !== 'boolean') throw typeError(attribute, value, 'Microsoft.Dynamics.CRM.BooleanManagedProperty');
      return { Value: value.Value };
    default:
      throw badRequest(`The property '${attribute.name}' is a lookup; set it with '${attribute.navigationProperty ?? attribute.name}@odata.bind'.`);
  }
}

/** Converts a JSON body into attribute values for a table. */
export function convertBody(entity: ResolvedEntity, body: unknown, resolveContentId?: ContentIdResolver): ConvertedBody {
  if (!isJsonObject(body)) throw badRequest('The request body must be a JSON object.');
  const values: RowValues = Object.create(null) as RowValues;
  const converted: ConvertedBody = { values, deepInserts: [], singleInserts: [], collectionBinds: [], references: [] };
  const logicalName = entity.definition.logicalName;
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (key.startsWith('@odata.') || key.startsWith('@')) continue;
    const at = key.indexOf('@');
    if (at >= 0) {
      const annotation = key.slice(at + 1);
      if (annotation !== 'odata.bind') continue; // formatted values and other annotations are ignored, as Dataverse does
      const navigation = key.slice(0, at);
      const attribute = entity.navigation.get(navigation);
      if (!attribute) {
        const collection = entity.collections.get(navigation);
        if (!collection) throw unknownProperty(navigation, logicalName);
        // Associate existing rows on create: an array of URLs.
        // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-entity-web-api#associate-table-rows-on-create
        if (!Array.isArray(value)) throw badRequest(`The value of '${key}' must be an array of entity references like ["/${collection.entitySet}(<guid>)"].`);
        const references = value.map((item) => {
          const reference = typeof item === 'string' ? parseReference(item, resolveContentId) : undefined;
          if (!reference || reference.entitySet !== collection.entitySet) {
            throw badRequest(`The value '${String(item).slice(0, 200)}' in '${key}' is not a reference to a row of ${collection.entitySet}; use '/${collection.entitySet}(<guid>)'.`);
          }
          return reference;
        });
        converted.collectionBinds.push({ navigation: collection, references });
        continue;
      }
      if (attribute.readOnly) continue;
      if (value === null) {
        values[attribute.name] = null;
        values[`${attribute.name}@type`] = null;
        continue;
      }
      if (typeof value !== 'string') throw badRequest(`The value of '${key}' must be a string like '/${attribute.targets?.[0] ?? 'entityset'}(<guid>)'.`);
      const reference = parseReference(value, resolveContentId);
      if (!reference) {
        if (value.startsWith('$')) throw badRequest(`Content-ID Reference: '${value}' does not exist in the batch context.`);
        throw badRequest(`The value '${value}' of '${key}' is not a valid entity reference; use '/${attribute.targets?.[0] ?? 'entityset'}(<guid>)'.`);
      }
      const requiredTarget = entity.navigationTargets.get(navigation);
      if ((requiredTarget !== undefined && requiredTarget !== reference.entitySet) || (attribute.targets && !attribute.targets.includes(reference.entitySet))) {
        throw badRequest(`The navigation property '${navigation}' cannot refer to '${reference.entitySet}'; expected ${requiredTarget ?? attribute.targets?.join(' or ')}.`);
      }
      values[attribute.name] = reference.id;
      converted.references.push({ attribute, reference });
      continue;
    }
    const attribute = entity.attributes.get(key);
    if (!attribute) {
      // Deep insert: https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-entity-web-api#create-related-table-rows-in-one-operation
      const collection = entity.collections.get(key);
      if (collection) {
        if (!Array.isArray(value)) throw badRequest(`The collection-valued navigation property '${key}' needs an array of objects.`);
        converted.deepInserts.push({ navigation: collection, bodies: value });
        continue;
      }
      const lookup = entity.navigation.get(key);
      if (lookup) {
        if (!isJsonObject(value)) throw badRequest(`The single-valued navigation property '${key}' needs a JSON object (a row to create), or bind an existing row with '${key}@odata.bind'.`);
        if (lookup.readOnly) throw badRequest(`The navigation property '${key}' is read-only.`);
        const entitySet = entity.navigationTargets.get(key) ?? lookup.targets?.[0];
        if (entitySet === undefined) throw unknownProperty(key, logicalName);
        converted.singleInserts.push({ attribute: lookup, entitySet, body: value });
        continue;
      }
      throw unknownProperty(key, logicalName);
    }
    if (attribute.name === entity.definition.primaryId) {
      if (!isGuid(value)) throw invalidArgument(`The value of '${key}' must be a GUID.`);
      converted.id = value.toLowerCase();
      continue;
    }
    if (attribute.readOnly) continue; // Dataverse ignores writes to read-only system columns
    if (attribute.type === 'lookup' || attribute.type === 'owner') {
      throw badRequest(`The property '${key}' is a lookup; set it with '${attribute.navigationProperty ?? key}@odata.bind'.`);
    }
    values[attribute.name] = convertValue(entity, attribute, value);
  }
  return converted;
}
