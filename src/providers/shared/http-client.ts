import { Agent } from "undici";
import type { Dispatcher } from "undici";
import { GatewayError } from "../../core/model/errors.js";
import { errorFromResponse, errorFromThrown } from "./error-mapping.js";

export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** A response whose status is 2xx; the body is still unread. */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData["body"];
}

export interface HttpClientOptions {
  /** Provider id, stamped on every GatewayError. */
  providerId: string;
  /**
   * Max sockets per origin (undici keeps a keep-alive Pool per origin inside the Agent). Default:
   * unbounded — every open stream holds a socket, so a cap turns into queued requests that then hit
   * the first-token timeout (the bench's 1,000 held streams failed behind the former cap of 256).
   */
  connectionsPerOrigin?: number | null;
}

/**
 * One keep-alive undici Agent per configured provider. undici's `request()` costs far less CPU per call
 * than fetch. Headers and body timeouts are off: the router owns first-token and total timeouts and
 * aborts through the AbortSignal, which makes undici destroy the socket at once (even mid-silence).
 */
export class HttpClient {
  private readonly agent: Agent;
  private readonly providerId: string;
  /**
   * URL → origin + path. undici's top-level `request(url)` builds a WHATWG URL per call; the Agent's own
   * `request({ origin, path })` does not. A provider calls a handful of fixed URLs, so this stays tiny.
   */
  private readonly targets = new Map<string, { origin: string; path: string }>();

  constructor(options: HttpClientOptions) {
    this.providerId = options.providerId;
    this.agent = new Agent({
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: 30_000,
      connections: options.connectionsPerOrigin ?? null,
    });
  }

  /** Sends the request; non-2xx statuses and transport failures become GatewayErrors. */
  async send(httpRequest: HttpRequest, model?: string): Promise<HttpResponse> {
    const context = { provider: this.providerId, model, signal: httpRequest.signal };
    if (httpRequest.signal?.aborted) throw errorFromThrown(httpRequest.signal.reason, context);
    let response: Dispatcher.ResponseData;
    try {
      const target = this.target(httpRequest.url);
      response = await this.agent.request({
        origin: target.origin,
        path: target.path,
        method: httpRequest.method,
        headers: httpRequest.headers,
        body: httpRequest.body,
        signal: httpRequest.signal,
      });
    } catch (error) {
      throw errorFromThrown(error, context);
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    let text = "";
    try {
      text = await response.body.text();
    } catch (error) {
      throw errorFromThrown(error, context);
    }
    throw errorFromResponse(response.statusCode, response.headers, text, context);
  }

  /** Sends and parses a JSON body. */
  async json(httpRequest: HttpRequest, model?: string): Promise<unknown> {
    const response = await this.send(httpRequest, model);
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw errorFromThrown(error, { provider: this.providerId, model, signal: httpRequest.signal });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new GatewayError("server", `Upstream returned invalid JSON: ${text.slice(0, 200)}`, {
        provider: this.providerId,
        model,
        status: response.statusCode,
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private target(url: string): { origin: string; path: string } {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: parsed.pathname + parsed.search };
      if (this.targets.size >= MAX_CACHED_TARGETS) this.targets.clear();
      this.targets.set(url, target);
    }
    return target;
  }
}

const MAX_CACHED_TARGETS = 256;

/** A JSON POST (with a body) or GET (without) to `baseUrl + path`, with per-call headers layered on the provider's. */
export function jsonRequest(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
  body: Record<string, unknown> | undefined,
  options: { headers?: Record<string, string>; signal?: AbortSignal },
): HttpRequest {
  return {
    method: body ? "POST" : "GET",
    url: joinUrl(baseUrl, path),
    headers: options.headers ? { ...headers, ...options.headers } : headers,
    body: body ? JSON.stringify(body) : undefined,
    signal: options.signal,
  };
}

/** Joins a base URL and a path without doubling or dropping slashes. */
export function joinUrl(baseUrl: string, path: string): string {
  const base = baseUrl.endsWith("/") ? baseUrl.slice(0, -1) : baseUrl;
  return path.startsWith("/") ? base + path : `${base}/${path}`;
}
