/**
 * A small factory over `@azure/identity` credentials, so callers (and the CLI) can pick one by
 * name. `@azure/identity` is loaded on first use: runs against the emulator never pay for it.
 */
import type { TokenCredential } from '@azure/identity';

/** Which credential to build, with what it needs. */
export type CredentialSpec =
  /** `DefaultAzureCredential`: environment (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` / `AZURE_CLIENT_CERTIFICATE_PATH`…), workload identity, managed identity, Azure CLI… */
  | { kind: 'default'; managedIdentityClientId?: string; tenantId?: string }
  | { kind: 'clientSecret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'clientCertificate'; tenantId: string; clientId: string; certificatePath: string; certificatePassword?: string }
  | { kind: 'deviceCode'; tenantId?: string; clientId?: string; userPromptCallback?: (message: string) => void }
  | { kind: 'azureCli'; tenantId?: string }
  | { kind: 'managedIdentity'; clientId?: string };

/** The kinds {@link createCredential} understands. */
export const CREDENTIAL_KINDS = ['default', 'clientSecret', 'clientCertificate', 'deviceCode', 'azureCli', 'managedIdentity'] as const;

/**
 * Build an `@azure/identity` credential. Secrets are passed to the credential and kept nowhere else.
 * @example createCredential({ kind: 'clientSecret', tenantId, clientId, clientSecret: process.env.SECRET! })
 */
export async function createCredential(spec: CredentialSpec): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  switch (spec.kind) {
    case 'default':
      return new identity.DefaultAzureCredential({
        ...(spec.managedIdentityClientId ? { managedIdentityClientId: spec.managedIdentityClientId } : {}),
        ...(spec.tenantId ? { tenantId: spec.tenantId } : {}),
      });
    case 'clientSecret':
      return new identity.ClientSecretCredential(spec.tenantId, spec.clientId, spec.clientSecret);
    case 'clientCertificate':
      return new identity.ClientCertificateCredential(spec.tenantId, spec.clientId, {
        certificatePath: spec.certificatePath,
        ...(spec.certificatePassword ? { certificatePassword: spec.certificatePassword } : {}),
      } as never);
    case 'deviceCode':
      return new identity.DeviceCodeCredential({
        ...(spec.tenantId ? { tenantId: spec.tenantId } : {}),
        ...(spec.clientId ? { clientId: spec.clientId } : {}),
        ...(spec.userPromptCallback ? { userPromptCallback: (info: { message: string }) => spec.userPromptCallback!(info.message) } : {}),
      });
    case 'azureCli':
      return new identity.AzureCliCredential(spec.tenantId ? { tenantId: spec.tenantId } : {});
    case 'managedIdentity':
      return spec.clientId ? new identity.ManagedIdentityCredential({ clientId: spec.clientId }) : new identity.ManagedIdentityCredential();
    default: {
      const kind = (spec as { kind: unknown }).kind;
      throw new RangeError(`Unknown credential kind ${JSON.stringify(kind)}; use one of ${CREDENTIAL_KINDS.join(', ')}`);
    }
  }
}
