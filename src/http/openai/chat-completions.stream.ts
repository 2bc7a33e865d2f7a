import type { ServerResponse } from "node:http";
import type { CatalogModel } from "../../core/model/catalog.js";
import type { StreamPart } from "../../core/model/stream-part.js";
import type { CompletionRun, SettledCompletion } from "../../services/completion/completion.service.js";
import { completionHeaders } from "../shared/completion-headers.js";
import { toAppError } from "../shared/rest-errors.js";
import { SseResponse } from "../shared/sse-response.js";
import { ChatCompletionChunks, OPENAI_KEEP_ALIVE, SSE_DONE } from "./chat-completions.chunks.js";
import { chatCompletionId, openAIFinishReason, openAIUsage } from "./chat-completions.response.js";
import { sendOpenAIError } from "./openai-errors.js";

export interface ChatStreamOptions {
  includeUsage: boolean;
  keepAliveMs: number;
}

/** Per-stream state: what has reached the client so far. */
class ChatStream {
  model: CatalogModel | null = null;
  private chunks: ChatCompletionChunks | null = null;
  private roleSent = false;
  /** Tool-call indexes whose first fragment (id, name) has been sent. */
  private readonly startedCalls = new Set<number>();
  readonly created = Math.floor(Date.now() / 1000);
  readonly sse: SseResponse;

  constructor(
    readonly response: ServerResponse,
    readonly run: CompletionRun,
    readonly options: ChatStreamOptions,
  ) {
    this.sse = new SseResponse(response, () => completionHeaders(run.id, this.model));
  }

  /** A failover before the first token changes the model the chunks name. */
  routeDecided(model: CatalogModel): void {
    this.model = model;
    if (!this.roleSent) this.chunks = null;
  }

  private formatter(): ChatCompletionChunks {
    return (this.chunks ??= new ChatCompletionChunks(chatCompletionId(this.run.id), this.created, this.model?.id ?? ""));
  }

  private roleChunk(): string {
    if (this.roleSent) return "";
    this.roleSent = true;
    return this.formatter().role();
  }

  /** The SSE text of one part ("" for parts the OpenAI format does not show). */
  render(part: StreamPart): string {
    if (part.type === "start" || part.type === "finish") return "";
    const chunks = this.formatter();
    switch (part.type) {
      case "text-delta":
        return part.text === "" ? "" : this.roleChunk() + chunks.content(part.text);
      case "reasoning-delta":
        return this.roleChunk() + chunks.reasoning(part.text);
      case "tool-call-delta":
        if (!this.startedCalls.has(part.index)) {
          this.startedCalls.add(part.index);
          return this.roleChunk() + chunks.toolCallStart(part.index, part.id ?? `call_${part.index}`, part.name ?? "", part.argumentsDelta);
        }
        return part.argumentsDelta === "" ? "" : chunks.toolCallArguments(part.index, part.argumentsDelta);
      case "tool-call":
        // Adapters that only report whole calls (no fragments) still show up as one delta.
        if (this.startedCalls.has(part.index)) return "";
        this.startedCalls.add(part.index);
        return this.roleChunk() + chunks.toolCallStart(part.index, part.call.id, part.call.name, part.call.arguments);
      default:
        return "";
    }
  }

  settle(completion: SettledCompletion): void {
    const outcome = completion.outcome;
    this.model = outcome.model ?? this.model;
    if (outcome.status === "ABORTED") return this.sse.end();
    if (completion.error) {
      if (!this.sse.isOpen) {
        this.sse.stopKeepAlive();
        setHeaders(this.response, completionHeaders(this.run.id, this.model));
        return sendOpenAIError(this.response, completion.error);
      }
      return this.sse.end(this.roleChunk() + this.formatter().failure(completion.error));
    }
    const chunks = this.formatter();
    let tail = this.roleChunk() + chunks.finish(openAIFinishReason(outcome.finishReason));
    if (this.options.includeUsage) tail += chunks.usage(openAIUsage(outcome.usage, outcome.cost));
    this.sse.end(tail + SSE_DONE);
  }

  fail(error: unknown): void {
    const appError = toAppError(error);
    if (!this.sse.isOpen) {
      this.sse.stopKeepAlive();
      if (!this.response.headersSent) sendOpenAIError(this.response, appError);
      return;
    }
    this.sse.end(this.formatter().failure(appError));
  }
}

function setHeaders(response: ServerResponse, headers: Record<string, string>): void {
  for (const name in headers) response.setHeader(name, headers[name] as string);
}

/**
 * Writes a completion run as OpenAI SSE. Headers wait for the first token (or the first keep-alive),
 * so failures before it answer with a real HTTP error; after it, failures are in-band.
 */
export async function writeChatCompletionStream(response: ServerResponse, run: CompletionRun, options: ChatStreamOptions): Promise<void> {
  const stream = new ChatStream(response, run, options);
  stream.sse.startKeepAlive(options.keepAliveMs, OPENAI_KEEP_ALIVE);
  try {
    for await (const event of run.events) {
      if (event.type === "part") {
        const text = stream.render(event.part);
        if (text === "") continue;
        stream.sse.stopKeepAlive();
        const pending = stream.sse.write(text);
        if (pending) await pending;
      } else if (event.type === "route-decided") {
        stream.routeDecided(event.model);
      } else if (event.type === "settled") {
        stream.settle(event.completion);
      }
    }
  } catch (error) {
    stream.fail(error);
  } finally {
    stream.sse.stopKeepAlive();
  }
}
