import type { ChatRequest } from "../../core/model/chat-request.js";
import type { GenerateResult, StreamPart } from "../../core/model/stream-part.js";
import type { CallOptions, LanguageModel, ProviderAdapter } from "../../core/ports/language-model.js";
import { errorFromThrown } from "../shared/error-mapping.js";
import { HttpClient, jsonRequest } from "../shared/http-client.js";
import type { HttpRequest } from "../shared/http-client.js";
import { asArray, asObject, asString } from "../shared/json.js";
import { readSseEvents } from "../shared/sse.js";
import { googleWarnings, toGeminiBody } from "./google.mapping.js";
import { geminiEventsToParts, geminiResponseToResult } from "./google.stream.js";

export interface GoogleProviderOptions {
  id?: string;
  /** Without `/v1beta` (SPEC §8). */
  baseUrl: string;
  apiKey: string | null;
}

class GeminiModel implements LanguageModel {
  constructor(
    readonly providerId: string,
    readonly modelName: string,
    private readonly provider: GoogleProvider,
  ) {}

  warnings(request: ChatRequest): string[] {
    return googleWarnings(request);
  }

  async generate(request: ChatRequest, options: CallOptions): Promise<GenerateResult> {
    const path = `/v1beta/models/${encodeURIComponent(this.modelName)}:generateContent`;
    const json = await this.provider.http.json(this.provider.httpRequest(path, toGeminiBody(request), options), this.modelName);
    return geminiResponseToResult(json);
  }

  async *stream(request: ChatRequest, options: CallOptions): AsyncGenerator<StreamPart> {
    const path = `/v1beta/models/${encodeURIComponent(this.modelName)}:streamGenerateContent?alt=sse`;
    const context = { provider: this.providerId, model: this.modelName, signal: options.signal };
    const response = await this.provider.http.send(this.provider.httpRequest(path, toGeminiBody(request), options), this.modelName);
    try {
      yield* geminiEventsToParts(readSseEvents(response.body), context);
    } catch (error) {
      throw errorFromThrown(error, context);
    }
  }
}

/** Gemini API (generativelanguage): generateContent / streamGenerateContent?alt=sse with x-goog-api-key. */
export class GoogleProvider implements ProviderAdapter {
  readonly id: string;
  readonly http: HttpClient;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: GoogleProviderOptions) {
    this.id = options.id ?? "google";
    this.http = new HttpClient({ providerId: this.id });
    this.headers = { "content-type": "application/json" };
    if (options.apiKey) this.headers["x-goog-api-key"] = options.apiKey;
  }

  languageModel(modelName: string): LanguageModel {
    return new GeminiModel(this.id, modelName, this);
  }

  httpRequest(path: string, body: Record<string, unknown> | undefined, options: CallOptions): HttpRequest {
    return jsonRequest(this.options.baseUrl, path, this.headers, body, options);
  }

  /** GET {base}/v1beta/models → names without the `models/` prefix. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    const json = await this.http.json(this.httpRequest("/v1beta/models?pageSize=1000", undefined, { signal }));
    return asArray(asObject(json).models)
      .map((entry) => asString(asObject(entry).name)?.replace(/^models\//, ""))
      .filter((name): name is string => name !== undefined);
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

export function createGoogleProvider(options: GoogleProviderOptions): GoogleProvider {
  return new GoogleProvider(options);
}
