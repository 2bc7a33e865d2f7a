/** Test doubles for router tests: a scripted LanguageModel, in-memory catalog and route views. */
import type { ChatRequest } from "../model/chat-request.js";
import type { CatalogModel, ModelCapability, ModelPricing } from "../model/catalog.js";
import { GatewayError } from "../model/errors.js";
import type { RouteDefinition } from "../model/route.js";
import type { GenerateResult, StreamPart } from "../model/stream-part.js";
import type { CallOptions, LanguageModel, ProviderAdapter } from "../ports/language-model.js";
import type { CatalogView, RouteView } from "./views.js";

export interface ScriptStep {
  /** Thrown before any part. */
  error?: GatewayError;
  /** Wait before the first part (honours the signal). */
  delayMs?: number;
  /** Never answer until aborted. */
  hang?: boolean;
  parts?: StreamPart[];
  /** Thrown after `parts`. */
  failAfter?: GatewayError;
  /** Hang after `parts` until aborted. */
  hangAfter?: boolean;
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new GatewayError("aborted", "aborted"));
    const timer = ms === Number.POSITIVE_INFINITY ? undefined : setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new GatewayError("aborted", "aborted"));
    }, { once: true });
  });
}

export function textParts(text: string, usage: { input: number; output: number } | null = { input: 10, output: 2 }): StreamPart[] {
  return [
    { type: "start" },
    ...text.split(" ").map((word, index): StreamPart => ({ type: "text-delta", text: index === 0 ? word : ` ${word}` })),
    {
      type: "finish",
      finishReason: "stop",
      rawFinishReason: "stop",
      usage: usage && { inputTokens: usage.input, outputTokens: usage.output, cachedInputTokens: 0, cacheWriteInputTokens: 0, reasoningTokens: 0, source: "REPORTED" },
    },
  ];
}

/** A LanguageModel that plays one script step per call (the last step repeats). */
export class ScriptedModel implements LanguageModel {
  calls = 0;
  aborts = 0;
  constructor(readonly providerId: string, readonly modelName: string, private readonly steps: ScriptStep[]) {}

  warnings(): string[] {
    return [];
  }

  private step(): ScriptStep {
    const step = this.steps[Math.min(this.calls, this.steps.length - 1)] ?? {};
    this.calls++;
    return step;
  }

  async *stream(_request: ChatRequest, options: CallOptions): AsyncIterable<StreamPart> {
    const step = this.step();
    options.signal?.addEventListener("abort", () => this.aborts++, { once: true });
    if (step.hang) await wait(Number.POSITIVE_INFINITY, options.signal);
    if (step.delayMs) await wait(step.delayMs, options.signal);
    if (step.error) throw step.error;
    for (const part of step.parts ?? textParts("hello there")) {
      if (options.signal?.aborted) throw new GatewayError("aborted", "aborted");
      yield part;
      await Promise.resolve();
    }
    if (step.hangAfter) await wait(Number.POSITIVE_INFINITY, options.signal);
    if (step.failAfter) throw step.failAfter;
  }

  async generate(request: ChatRequest, options: CallOptions): Promise<GenerateResult> {
    let text = "";
    let finish: GenerateResult = { text: "", toolCalls: [], finishReason: "stop", rawFinishReason: "stop", usage: null };
    for await (const part of this.stream(request, options)) {
      if (part.type === "text-delta") text += part.text;
      if (part.type === "finish") finish = { ...finish, finishReason: part.finishReason, usage: part.usage };
    }
    return { ...finish, text };
  }
}

export class FakeAdapter implements ProviderAdapter {
  readonly models = new Map<string, ScriptedModel>();
  constructor(readonly id: string) {}
  script(modelName: string, steps: ScriptStep[]): ScriptedModel {
    const model = new ScriptedModel(this.id, modelName, steps);
    this.models.set(modelName, model);
    return model;
  }
  languageModel(modelName: string): LanguageModel {
    return this.models.get(modelName) ?? this.script(modelName, [{}]);
  }
}

export function price(input: number, output: number, cached: number | null = null): ModelPricing {
  return { inputPerMTok: input, outputPerMTok: output, cachedInputPerMTok: cached, cacheWritePerMTok: null, source: "catalog@test" };
}

export function catalogModel(id: string, options: Partial<CatalogModel> & { caps?: ModelCapability[] } = {}): CatalogModel {
  const [providerId = "", name = ""] = id.split("/");
  return {
    id,
    providerId,
    name,
    contextWindow: 128_000,
    maxOutputTokens: 16_000,
    pricing: price(1, 2),
    enabled: true,
    ...options,
    capabilities: options.caps ?? options.capabilities ?? ["STREAMING", "TOOLS", "VISION", "JSON_OUTPUT"],
  };
}

export function catalogView(models: CatalogModel[]): CatalogView {
  const byId = new Map(models.map((model) => [model.id, model]));
  return {
    model: (id) => byId.get(id),
    modelsByName: (name) => models.filter((model) => model.name === name),
    models: () => models,
  };
}

export function routeDefinition(name: string, partial: Partial<RouteDefinition> = {}): RouteDefinition {
  return {
    id: `route-${name}`,
    name,
    strategy: "FALLBACK",
    targets: [],
    constraints: {},
    maxAttempts: 3,
    timeoutMs: 5_000,
    firstTokenTimeoutMs: 2_000,
    maxRetryAfterMs: 2_000,
    enabled: true,
    updatedAt: new Date(0),
    ...partial,
  };
}

export function routeView(routes: RouteDefinition[]): RouteView {
  const byName = new Map(routes.map((route) => [route.name, route]));
  return { route: (name) => byName.get(name) };
}

export const userRequest = (text = "hi there", extra: Partial<ChatRequest> = {}): ChatRequest => ({ messages: [{ role: "user", content: text }], ...extra });
