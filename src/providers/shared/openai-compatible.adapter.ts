import type { ChatRequest } from "../../core/model/chat-request.js";
import type { GenerateResult, StreamPart } from "../../core/model/stream-part.js";
import type { CallOptions, LanguageModel, ProviderAdapter } from "../../core/ports/language-model.js";
import { errorFromThrown } from "./error-mapping.js";
import { HttpClient, joinUrl } from "./http-client.js";
import { asArray, asObject, asString, ignoredPassthroughWarning } from "./json.js";
import { dialectWarnings, normalizeOpenAIUsage, toChatCompletionsBody } from "./openai-compatible.mapping.js";
import type { OpenAICompatibleDialect } from "./openai-compatible.mapping.js";
import { openAIChunksToParts, openAICompletionToResult } from "./openai-compatible.stream.js";
import type { UsageNormalizer } from "./openai-compatible.stream.js";
import { readSseEvents } from "./sse.js";

export interface OpenAICompatibleSettings {
  providerId: string;
  /** The URL that `/chat/completions` and `/models` are appended to (OpenAI's `.../v1`). */
  apiBaseUrl: string;
  apiKey: string | null;
  dialect?: Partial<OpenAICompatibleDialect>;
  normalizeUsage?: UsageNormalizer;
  headers?: Record<string, string>;
}

/** What most OpenAI-compatible servers (vLLM, LM Studio, Together, OpenRouter...) accept. */
export const GENERIC_DIALECT: OpenAICompatibleDialect = {
  maxTokensField: "max_tokens",
  streamUsageOption: true,
  seedField: "seed",
  jsonSchema: true,
  reasoningEffort: false,
};

/** One chat-completions model of an OpenAI-compatible upstream. */
class OpenAICompatibleModel implements LanguageModel {
  constructor(
    readonly providerId: string,
    readonly modelName: string,
    private readonly provider: OpenAICompatibleProvider,
  ) {}

  warnings(request: ChatRequest): string[] {
    return this.provider.warnings(request);
  }

  async generate(request: ChatRequest, options: CallOptions): Promise<GenerateResult> {
    const body = toChatCompletionsBody(request, this.modelName, false, this.provider.dialect);
    const json = await this.provider.http.json(this.provider.chatRequest(body, options), this.modelName);
    return openAICompletionToResult(json, this.provider.normalizeUsage);
  }

  async *stream(request: ChatRequest, options: CallOptions): AsyncGenerator<StreamPart> {
    const body = toChatCompletionsBody(request, this.modelName, true, this.provider.dialect);
    const context = { provider: this.providerId, model: this.modelName, signal: options.signal };
    const response = await this.provider.http.send(this.provider.chatRequest(body, options), this.modelName);
    try {
      yield* openAIChunksToParts(readSseEvents(response.body), this.provider.normalizeUsage, context);
    } catch (error) {
      throw errorFromThrown(error, context);
    }
  }
}

/**
 * The shared base of every OpenAI-compatible provider: openai, deepseek, mistral, ollama and any
 * generic server are configurations of this class (dialect + usage normalizer + base URL), not copies.
 */
export class OpenAICompatibleProvider implements ProviderAdapter {
  readonly id: string;
  readonly http: HttpClient;
  readonly dialect: OpenAICompatibleDialect;
  readonly normalizeUsage: UsageNormalizer;
  private readonly baseHeaders: Record<string, string>;
  private readonly chatUrl: string;

  constructor(private readonly settings: OpenAICompatibleSettings) {
    this.chatUrl = joinUrl(settings.apiBaseUrl, "/chat/completions");
    this.id = settings.providerId;
    this.http = new HttpClient({ providerId: settings.providerId });
    this.dialect = { ...GENERIC_DIALECT, ...settings.dialect };
    this.normalizeUsage = settings.normalizeUsage ?? normalizeOpenAIUsage;
    this.baseHeaders = { "content-type": "application/json", ...settings.headers };
    if (settings.apiKey) this.baseHeaders.authorization = `Bearer ${settings.apiKey}`;
  }

  languageModel(modelName: string): LanguageModel {
    return new OpenAICompatibleModel(this.id, modelName, this);
  }

  warnings(request: ChatRequest): string[] {
    const warnings = dialectWarnings(request, this.dialect);
    const passthrough = request.passthrough;
    if (passthrough && passthrough.protocol !== "openai-chat") {
      const warning = ignoredPassthroughWarning(passthrough.fields, passthrough.protocol);
      if (warning) warnings.push(warning);
    }
    return warnings;
  }

  chatRequest(body: Record<string, unknown>, options: CallOptions) {
    return {
      method: "POST" as const,
      url: this.chatUrl,
      headers: options.headers ? { ...this.baseHeaders, ...options.headers } : this.baseHeaders,
      body: JSON.stringify(body),
      signal: options.signal,
    };
  }

  /** GET {apiBaseUrl}/models → model ids. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    const json = await this.http.json({
      method: "GET",
      url: joinUrl(this.settings.apiBaseUrl, "/models"),
      headers: this.baseHeaders,
      signal,
    });
    return asArray(asObject(json).data)
      .map((entry) => asString(asObject(entry).id))
      .filter((id): id is string => id !== undefined);
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
