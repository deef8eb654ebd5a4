/**
 * Raw Web API calls against an emulator for integration tests: status, headers, text and parsed
 * JSON of one request to `<serviceRoot><path>`.
 */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** A caller bound to a service root (`http://127.0.0.1:port/api/data/v9.2/`). */
export function webApi(serviceRoot: string) {
  return async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const init: RequestInit = { method, headers: { Accept: 'application/json', ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['Content-Type'] ??= 'application/json';
    }
    const response = await fetch(path.startsWith('http') ? path : serviceRoot + path, init);
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
}

/** The id in an `OData-EntityId` header. */
export function entityIdOf(answer: Answer): string {
  return /\(([0-9a-f-]{36})\)$/.exec(answer.headers.get('odata-entityid') ?? '')![1]!;
}
