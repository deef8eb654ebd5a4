/**
 * The HTTP transport: axios over keep-alive agents. Answers of every status are returned (the
 * pipeline decides what is an error); failures without an answer become {@link NetworkError}s.
 * Axios errors are not kept as `cause`: they carry the request configuration, headers included,
 * and printing them would print the `Authorization` header.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosProxyConfig } from 'axios';
import { abortReason } from './clock.js';
import { NetworkError } from './errors.js';
import { createHeaders, type PipelineRequest, type PipelineResponse, type SendRequest } from './pipeline.js';

/**
 * Proxy use. `'environment'` lets axios read `http_proxy`/`https_proxy`/`no_proxy`;
 * `false` connects directly; an object names the proxy explicitly.
 */
export type ProxySetting = false | 'environment' | AxiosProxyConfig;

/** Options of {@link createAxiosTransport}. */
export interface TransportOptions {
  /**
   * Proxy to use. @default `false` for loopback hosts (an emulator must never be reached through
   * a proxy), `'environment'` otherwise.
   */
  proxy?: ProxySetting;
  /** Sockets per origin; the concurrency limiter is what bounds requests. @default 128 */
  maxSockets?: number;
}

/** A transport that can be closed (its keep-alive sockets destroyed). */
export interface Transport {
  send: SendRequest;
  close(): void;
}

/** Whether a hostname is the local machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || host.endsWith('.localhost');
}

/** The axios `proxy` value for a target URL. */
export function proxyFor(url: URL, setting: ProxySetting | undefined): AxiosProxyConfig | false | undefined {
  const effective = setting ?? (isLoopbackHost(url.hostname) ? false : 'environment');
  return effective === 'environment' ? undefined : effective;
}

export function createAxiosTransport(options: TransportOptions = {}): Transport {
  const maxSockets = options.maxSockets ?? 128;
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
  const instance = axios.create({
    httpAgent,
    httpsAgent,
    maxRedirects: 0,
    responseType: 'text',
    // The pipeline hands over finished text: axios's default would JSON.parse every JSON body
    // again only to check it (a bulk request's body is hundreds of kilobytes).
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxContentLength: Infinity,
    maxBodyLength: Infinity,
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
  });

  async function send(request: PipelineRequest): Promise<PipelineResponse> {
    const target = new URL(request.url);
    const proxy = proxyFor(target, options.proxy);
    try {
      const response = await instance.request<string>({
        method: request.method,
        url: request.url,
        headers: { ...request.headers },
        data: request.body,
        timeout: request.timeoutInMs,
        ...(request.abortSignal ? { signal: request.abortSignal } : {}),
        ...(proxy === undefined ? {} : { proxy }),
      });
      const headers = createHeaders();
      for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
        if (value === undefined || value === null) continue;
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      }
      return { status: response.status, headers, bodyText: typeof response.data === 'string' ? response.data : '', request, attempts: request.attempt };
    } catch (error) {
      if (request.abortSignal?.aborted) throw abortReason(request.abortSignal);
      throw toNetworkError(error, request);
    }
  }

  return {
    send,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function toNetworkError(error: unknown, request: PipelineRequest): NetworkError {
  const code = (error as { code?: unknown }).code;
  const codeText = typeof code === 'string' ? code : 'ERR_NETWORK';
  const timedOut = codeText === 'ETIMEDOUT' || codeText === 'ECONNABORTED';
  const message = timedOut
    ? `No answer from ${new URL(request.url).origin} within ${request.timeoutInMs} ms`
    : `Connection to ${new URL(request.url).origin} failed (${codeText}${error instanceof Error && error.message ? `: ${error.message}` : ''})`;
  return new NetworkError(message, {
    status: 0,
    code: codeText,
    ...(request.requestId === undefined ? {} : { requestId: request.requestId }),
    retryable: true,
    hint: 'Check the environment URL and your network (proxy settings, VPN); the request may be retried safely if it is idempotent.',
  });
}
