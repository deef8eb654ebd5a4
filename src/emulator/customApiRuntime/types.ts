/**
 * Implementations bound to custom APIs when the emulator starts: they stand in for the plug-in
 * that implements a custom API's main operation in Dataverse.
 * https://learn.microsoft.com/power-apps/developer/data-platform/custom-api#write-a-plug-in-for-your-custom-api
 */

/** What an implementation receives (the plug-in's InputParameters and context). */
export interface CustomApiRequest {
  /** The custom API's unique name (the message name). */
  name: string;
  /** The request parameters, checked against the definition (null-prototype object). */
  parameters: Record<string, unknown>;
  /** The bound record (`Target`) of an entity-bound custom API. */
  target?: { entitySet: string; id: string };
  /** The caller's systemuserid. */
  userId: string;
  organizationId: string;
  /**
   * Execute another message in the emulator as the caller (the plug-in's IOrganizationService):
   * e.g. `execute('msdyn_D365ChannelsNotification', { notificationPayLoad })`. Resolves to the
   * response body (undefined for 204); rejects with the Dataverse error message.
   */
  execute(message: string, parameters?: Record<string, unknown>): Promise<Record<string, unknown> | undefined>;
}

/** A JavaScript implementation: returns the response properties (the plug-in's OutputParameters). */
export type CustomApiHandler = (request: CustomApiRequest) => unknown;

/**
 * How a custom API is implemented:
 * - a function;
 * - `"./path/handler.mjs"` or `"./path/handler.mjs#exportName"`: a JavaScript module's default (or named) export;
 * - `"http://host/path"`: an HTTP endpoint that receives `POST {name, parameters, target, userId, organizationId}`
 *   and answers 200 with a JSON object of response properties.
 */
export type CustomApiImplementation = string | CustomApiHandler;

/** Options of the custom API runtime. */
export interface CustomApiRuntimeOptions {
  /** Implementations by custom API unique name. */
  bindings?: Record<string, CustomApiImplementation>;
  /** How long an implementation may run. @default 120000 (Dataverse's plug-in limit of two minutes) */
  timeoutMs?: number;
  /** Directory module paths are resolved from. @default process.cwd() */
  baseDir?: string;
  log?: (line: string) => void;
}
