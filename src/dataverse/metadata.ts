/**
 * Metadata helpers: entity-set names, primary keys and whether an action exists, each asked
 * once per client and cached.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api
 */
import { Tables } from '../model/names.js';
import { isNotFoundError } from './errors.js';
import { formatLiteral } from './odata.js';
import type { DataverseClient } from './DataverseClient.js';

const KNOWN_PRIMARY_KEYS: ReadonlyMap<string, string> = new Map(Object.values(Tables).map((t) => [t.entitySet, t.primaryId]));

/** The primary key of a table journeyctl knows, by entity set name. */
export function findPrimaryKey(entitySet: string): string | undefined {
  return KNOWN_PRIMARY_KEYS.get(entitySet);
}

/** Per-client cache of metadata answers. Failed look-ups are not cached. */
export class MetadataCache {
  private readonly entitySets = new Map<string, Promise<string>>();
  private readonly primaryKeys = new Map<string, Promise<string>>();
  private readonly actions = new Map<string, Promise<boolean>>();

  constructor(private readonly client: DataverseClient) {}

  /** `EntityDefinitions(LogicalName='contact')?$select=EntitySetName`. */
  entitySetName(logicalName: string, abortSignal?: AbortSignal): Promise<string> {
    return cached(this.entitySets, logicalName, async () => {
      const known = Object.values(Tables).find((t) => t.logicalName === logicalName);
      if (known) return known.entitySet;
      const definition = await this.client.retrieve('EntityDefinitions', { LogicalName: logicalName }, { select: ['EntitySetName'], ...(abortSignal ? { abortSignal } : {}) });
      const name = definition.EntitySetName;
      if (typeof name !== 'string') throw new TypeError(`EntityDefinitions(LogicalName='${logicalName}') has no EntitySetName`);
      return name;
    });
  }

  /** `PrimaryIdAttribute` of the table whose entity set is `entitySet`. */
  primaryKey(entitySet: string, abortSignal?: AbortSignal): Promise<string> {
    return cached(this.primaryKeys, entitySet, async () => {
      const page = await this.client
        .query('EntityDefinitions', { select: ['LogicalName', 'PrimaryIdAttribute'], filter: `EntitySetName eq ${formatLiteral(entitySet)}`, ...(abortSignal ? { abortSignal } : {}) })
        .byPage()
        .next();
      const key = page.done ? undefined : page.value.items[0]?.PrimaryIdAttribute;
      if (typeof key !== 'string') {
        throw new RangeError(`Cannot find the primary key of '${entitySet}': no table has this entity set name. Pass the primaryKey option.`);
      }
      return key;
    });
  }

  /**
   * Whether an action or function named `name` exists. Asks the `sdkmessages` table (cheap on
   * a real environment); where that table is not exposed, looks for the name in `$metadata`.
   */
  hasAction(name: string, abortSignal?: AbortSignal): Promise<boolean> {
    return cached(this.actions, name, async () => {
      try {
        const page = await this.client
          .query('sdkmessages', { select: ['name'], filter: `name eq ${formatLiteral(name)}`, ...(abortSignal ? { abortSignal } : {}) })
          .byPage({ maxPageSize: 1 })
          .next();
        return !page.done && page.value.items.some((m) => typeof m.name === 'string' && m.name === name);
      } catch (error) {
        if (!isNotFoundError(error)) throw error;
      }
      const response = await this.client.send('GET', '$metadata', { headers: { accept: 'application/xml' }, ...(abortSignal ? { abortSignal } : {}) });
      const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return new RegExp(`<(?:Action|Function)\\s+Name="${escaped}"`).test(response.bodyText);
    });
  }
}

function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = load();
    cache.set(key, value);
    value.catch(() => cache.delete(key));
  }
  return value;
}
