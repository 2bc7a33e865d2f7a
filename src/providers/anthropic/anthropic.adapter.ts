import type { ChatRequest } from "../../core/model/chat-request.js";
import type { GenerateResult, StreamPart } from "../../core/model/stream-part.js";
import type { CallOptions, LanguageModel, ProviderAdapter } from "../../core/ports/language-model.js";
import { errorFromThrown } from "../shared/error-mapping.js";
import { HttpClient, jsonRequest } from "../shared/http-client.js";
import type { HttpRequest } from "../shared/http-client.js";
import { asArray, asObject, asString, ignoredPassthroughWarning } from "../shared/json.js";
import { readSseEvents } from "../shared/sse.js";
import { anthropicWarnings, toAnthropicBody } from "./anthropic.mapping.js";
import { anthropicEventsToParts, anthropicMessageToResult } from "./anthropic.stream.js";

export const ANTHROPIC_VERSION = "2023-06-01";

export interface AnthropicProviderOptions {
  id?: string;
  /** Without `/v1` (SPEC §8). */
  baseUrl: string;
  apiKey: string | null;
}

class AnthropicModel implements LanguageModel {
  constructor(
    readonly providerId: string,
    readonly modelName: string,
    private readonly provider: AnthropicProvider,
  ) {}

  warnings(request: ChatRequest): string[] {
    const warnings = anthropicWarnings(request);
    const passthrough = request.passthrough;
    if (passthrough && passthrough.protocol !== "anthropic-messages") {
      const warning = ignoredPassthroughWarning(passthrough.fields, passthrough.protocol);
      if (warning) warnings.push(warning);
    }
    return warnings;
  }

  async generate(request: ChatRequest, options: CallOptions): Promise<GenerateResult> {
    const body = toAnthropicBody(request, this.modelName, false);
    const json = await this.provider.http.json(this.provider.httpRequest("/v1/messages", body, options), this.modelName);
    return anthropicMessageToResult(json);
  }

  async *stream(request: ChatRequest, options: CallOptions): AsyncGenerator<StreamPart> {
    const body = toAnthropicBody(request, this.modelName, true);
    const context = { provider: this.providerId, model: this.modelName, signal: options.signal };
    const response = await this.provider.http.send(this.provider.httpRequest("/v1/messages", body, options), this.modelName);
    try {
      yield* anthropicEventsToParts(readSseEvents(response.body), context);
    } catch (error) {
      throw errorFromThrown(error, context);
    }
  }
}

/** Anthropic Messages API: POST {base}/v1/messages with x-api-key and anthropic-version. */
export class AnthropicProvider implements ProviderAdapter {
  readonly id: string;
  readonly http: HttpClient;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: AnthropicProviderOptions) {
    this.id = options.id ?? "anthropic";
    this.http = new HttpClient({ providerId: this.id });
    this.headers = { "content-type": "application/json", "anthropic-version": ANTHROPIC_VERSION };
    if (options.apiKey) this.headers["x-api-key"] = options.apiKey;
  }

  languageModel(modelName: string): LanguageModel {
    return new AnthropicModel(this.id, modelName, this);
  }

  httpRequest(path: string, body: Record<string, unknown> | undefined, options: CallOptions): HttpRequest {
    return jsonRequest(this.options.baseUrl, path, this.headers, body, options);
  }

  /** GET {base}/v1/models. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    const json = await this.http.json(this.httpRequest("/v1/models?limit=1000", undefined, { signal }));
    return asArray(asObject(json).data)
      .map((entry) => asString(asObject(entry).id))
      .filter((id): id is string => id !== undefined);
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

export function createAnthropicProvider(options: AnthropicProviderOptions): AnthropicProvider {
  return new AnthropicProvider(options);
}
