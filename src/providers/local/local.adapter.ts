import type { ChatRequest } from "../../core/model/chat-request.js";
import { hasImages } from "../../core/model/chat-request.js";
import { GatewayError } from "../../core/model/errors.js";
import type { GenerateResult, StreamPart } from "../../core/model/stream-part.js";
import type { Usage } from "../../core/model/usage.js";
import type { CallOptions, LanguageModel, ProviderAdapter } from "../../core/ports/language-model.js";
import {
  DEFAULT_LOCAL_TOKEN_DELAY_MS,
  LOCAL_MODELS,
  countPromptTokens,
  lastUserText,
  loremText,
  outputPieces,
  promptText,
} from "./local.mapping.js";
import type { LocalModelName } from "./local.mapping.js";

export interface LocalProviderOptions {
  id?: string;
  /** Pause between streamed tokens (ms); 0 streams at once. */
  tokenDelayMs?: number;
}

function abortedError(providerId: string, model: string): GatewayError {
  return new GatewayError("aborted", "Request aborted", { provider: providerId, model });
}

function sleep(ms: number, signal: AbortSignal | undefined, onAbort: () => GatewayError): Promise<void> {
  if (signal?.aborted) return Promise.reject(onAbort());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", abort, { once: true });
  });
}

function isLocalModel(name: string): name is LocalModelName {
  return (LOCAL_MODELS as readonly string[]).includes(name);
}

/** Deterministic built-in models: `echo` repeats the last user message, `lorem` generates text seeded by the prompt. */
class LocalModel implements LanguageModel {
  constructor(
    readonly providerId: string,
    readonly modelName: string,
    private readonly tokenDelayMs: number,
  ) {}

  warnings(request: ChatRequest): string[] {
    const warnings: string[] = [];
    if (request.tools?.length) warnings.push("local models never call tools; tools were ignored");
    if (request.responseFormat && request.responseFormat.type !== "text") warnings.push("local models do not produce JSON output");
    if (hasImages(request)) warnings.push("local models ignore images");
    return warnings;
  }

  private output(request: ChatRequest) {
    if (!isLocalModel(this.modelName)) {
      throw new GatewayError("not_found", `Unknown local model: ${this.modelName}`, { provider: this.providerId, model: this.modelName, status: 404 });
    }
    const text = this.modelName === "echo" ? lastUserText(request) : loremText(promptText(request));
    const { pieces, tokens, truncated } = outputPieces(text, request.maxOutputTokens);
    const usage: Usage = {
      inputTokens: countPromptTokens(request),
      outputTokens: tokens,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      reasoningTokens: 0,
      source: "REPORTED",
    };
    return { pieces, usage, finishReason: truncated ? ("length" as const) : ("stop" as const) };
  }

  async generate(request: ChatRequest, options: CallOptions): Promise<GenerateResult> {
    const { pieces, usage, finishReason } = this.output(request);
    // Same wall time as the stream, in one timer.
    await sleep(this.tokenDelayMs * pieces.length, options.signal, () => abortedError(this.providerId, this.modelName));
    return {
      responseId: `local-${Date.now().toString(36)}`,
      model: this.modelName,
      text: pieces.join(""),
      toolCalls: [],
      finishReason,
      rawFinishReason: finishReason,
      usage,
    };
  }

  async *stream(request: ChatRequest, options: CallOptions): AsyncGenerator<StreamPart> {
    const { pieces, usage, finishReason } = this.output(request);
    const onAbort = () => abortedError(this.providerId, this.modelName);
    if (options.signal?.aborted) throw onAbort();
    yield { type: "start", responseId: `local-${Date.now().toString(36)}`, model: this.modelName };
    for (const piece of pieces) {
      await sleep(this.tokenDelayMs, options.signal, onAbort);
      yield { type: "text-delta", text: piece };
    }
    yield { type: "finish", finishReason, rawFinishReason: finishReason, usage };
  }
}

export class LocalProvider implements ProviderAdapter {
  readonly id: string;
  private readonly tokenDelayMs: number;

  constructor(options: LocalProviderOptions = {}) {
    this.id = options.id ?? "local";
    this.tokenDelayMs = options.tokenDelayMs ?? DEFAULT_LOCAL_TOKEN_DELAY_MS;
  }

  languageModel(modelName: string): LanguageModel {
    return new LocalModel(this.id, modelName, this.tokenDelayMs);
  }

  async listModels(): Promise<string[]> {
    return [...LOCAL_MODELS];
  }
}

export function createLocalProvider(options: LocalProviderOptions = {}): LocalProvider {
  return new LocalProvider(options);
}
