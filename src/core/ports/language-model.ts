import type { ChatRequest } from "../model/chat-request.js";
import type { GenerateResult, StreamPart } from "../model/stream-part.js";

export interface CallOptions {
  /** Aborting closes the upstream socket promptly, even while the upstream is silent. */
  signal?: AbortSignal;
  /** Extra headers for the upstream call (e.g. a per-request trace id). */
  headers?: Record<string, string>;
}

/** Warnings for settings the provider cannot honour (SPEC: never change a request silently). */
export interface PreparedCall {
  warnings: string[];
}

/**
 * The one seam between the core and a provider. Adapters take our own ChatRequest (never a wire body)
 * and throw GatewayError on failure — before the first part (the router may fail over) or during the
 * stream (the router ends the stream with an error and keeps partial usage).
 */
export interface LanguageModel {
  readonly providerId: string;
  /** The model name as the upstream knows it. */
  readonly modelName: string;
  /** Settings this model cannot honour for the request; the router records them with the request. */
  warnings(request: ChatRequest): string[];
  stream(request: ChatRequest, options: CallOptions): AsyncIterable<StreamPart>;
  generate(request: ChatRequest, options: CallOptions): Promise<GenerateResult>;
}

/** A configured provider: makes LanguageModels and, where the upstream lists them, discovers models. */
export interface ProviderAdapter {
  readonly id: string;
  languageModel(modelName: string): LanguageModel;
  /** `GET /models` on the upstream where it exists. */
  listModels?(signal?: AbortSignal): Promise<string[]>;
  close?(): Promise<void>;
}
