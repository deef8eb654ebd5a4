/**
 * Journey owners: the system user table says who exists and who is disabled in Dataverse; with
 * Microsoft Graph (`--resolve-owners`) each owner's Entra account is looked up by the user's
 * `azureactivedirectoryobjectid`, so accounts disabled or deleted in Entra ID are found too.
 * https://learn.microsoft.com/graph/api/user-get (accountEnabled must be asked for with $select)
 */
import { Client, GraphError } from '@microsoft/microsoft-graph-client';
import type { OwnerInfo } from './analyzeJourney.js';

/** What the audit keeps of a system user. */
export interface UserSummary {
  name: string | null;
  disabled: boolean;
  /** Entra object id; null for users without one (application users, deleted accounts). */
  aadObjectId: string | null;
}

/** `$select` of the system user inventory. */
export const USER_SELECT = ['systemuserid', 'fullname', 'isdisabled', 'azureactivedirectoryobjectid'] as const;

/** Summarize a system user row. */
export function summarizeUser(row: Readonly<Record<string, unknown>>): UserSummary {
  return {
    name: typeof row.fullname === 'string' ? row.fullname : null,
    disabled: row.isdisabled === true,
    aadObjectId: typeof row.azureactivedirectoryobjectid === 'string' && row.azureactivedirectoryobjectid !== '' ? row.azureactivedirectoryobjectid : null,
  };
}

/** An Entra account's state as Graph reports it. */
export type EntraStatus = 'active' | 'disabled' | 'missing';

/** Looks up Entra accounts. */
export interface EntraDirectory {
  status(objectId: string): Promise<EntraStatus>;
}

/** Options of {@link graphDirectory}. */
export interface GraphDirectoryOptions {
  /** Graph origin. @default "https://graph.microsoft.com" */
  graphUrl?: string;
  /** A token for Graph (scope `https://graph.microsoft.com/.default`), e.g. from an `@azure/identity` credential. */
  getToken(): Promise<string>;
}

/** An {@link EntraDirectory} over Microsoft Graph: `GET /v1.0/users/{id}?$select=id,accountEnabled`. */
export function graphDirectory(options: GraphDirectoryOptions): EntraDirectory {
  const graphUrl = new URL(options.graphUrl ?? 'https://graph.microsoft.com');
  const client = Client.init({
    baseUrl: graphUrl.origin,
    defaultVersion: 'v1.0',
    // The client only sends the token to Graph hosts unless told about others (tests, sovereign clouds).
    customHosts: new Set([graphUrl.hostname]),
    authProvider: (done) => {
      options.getToken().then(
        (token) => done(null, token),
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error)), null),
      );
    },
  });
  return {
    async status(objectId) {
      try {
        const user = (await client.api(`/users/${encodeURIComponent(objectId)}`).select(['id', 'accountEnabled']).get()) as { accountEnabled?: boolean };
        return user.accountEnabled === false ? 'disabled' : 'active';
      } catch (error) {
        if (error instanceof GraphError && error.statusCode === 404) return 'missing';
        throw error;
      }
    },
  };
}

/** Owner lookups for the journey analysis, with Entra states filled in by {@link OwnerBook.resolve}. */
export class OwnerBook {
  /** Entra state by system user id (only with a directory); plain JSON for the checkpoint. */
  readonly entra: Record<string, EntraStatus>;

  constructor(
    private readonly users: ReadonlyMap<string, UserSummary>,
    private readonly directory: EntraDirectory | undefined,
    entra: Record<string, EntraStatus> = {},
  ) {
    this.entra = Object.assign(Object.create(null) as Record<string, EntraStatus>, entra);
  }

  /** Look up the Entra accounts of these owners that were not looked up yet (4 at a time). */
  async resolve(ownerIds: Iterable<string>): Promise<void> {
    const directory = this.directory;
    if (!directory) return;
    const pending = [...new Set(ownerIds)].filter((id) => this.users.has(id) && !Object.prototype.hasOwnProperty.call(this.entra, id));
    let next = 0;
    const worker = async () => {
      while (next < pending.length) {
        const id = pending[next++]!;
        const objectId = this.users.get(id)!.aadObjectId;
        this.entra[id] = objectId === null ? 'missing' : await directory.status(objectId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, pending.length) }, worker));
  }

  /** The owner of a journey; undefined for team owners (teams have no Entra account to check). */
  owner(ownerId: string, ownerType: string | null): OwnerInfo | undefined {
    if (ownerType !== null && ownerType !== 'systemuser') return undefined;
    const user = this.users.get(ownerId);
    if (!user) return ownerType === 'systemuser' || this.users.size > 0 ? { name: null, status: 'missing' } : undefined;
    const entra = this.entra[ownerId];
    if (entra === 'missing') return { name: user.name, status: 'missing' };
    if (user.disabled || entra === 'disabled') return { name: user.name, status: 'disabled' };
    return { name: user.name, status: 'active' };
  }
}
