import type { ServerResponse } from "node:http";
import type { CatalogModel } from "../../core/model/catalog.js";
import type { StreamPart } from "../../core/model/stream-part.js";
import type { CompletionRun, SettledCompletion } from "../../services/completion/completion.service.js";
import { completionHeaders } from "../shared/completion-headers.js";
import { toAppError } from "../shared/rest-errors.js";
import { SseResponse } from "../shared/sse-response.js";
import { sendAnthropicError } from "./anthropic-errors.js";
import {
  blockStopEvent,
  errorEvent,
  inputJsonDeltaEvent,
  MESSAGE_STOP_EVENT,
  messageDeltaEvent,
  messageStartEvent,
  PING_EVENT,
  textBlockStartEvent,
  textDeltaEvent,
  toolBlockStartEvent,
} from "./messages.events.js";
import { anthropicStopReason, anthropicUsage, messageId } from "./messages.response.js";

interface OpenBlock {
  index: number;
  /** The tool-call index of a tool_use block; null for text. */
  toolIndex: number | null;
}

/** Per-stream state: the message envelope and content blocks already sent. */
class MessageStream {
  model: CatalogModel | null = null;
  private started = false;
  private open: OpenBlock | null = null;
  private nextIndex = 0;
  /** Tool-call indexes that already have a block (a late fragment of a closed block is dropped). */
  private readonly toolBlocks = new Set<number>();
  readonly sse: SseResponse;

  constructor(
    readonly response: ServerResponse,
    readonly run: CompletionRun,
  ) {
    this.sse = new SseResponse(response, () => completionHeaders(run.id, this.model));
  }

  /** message_start (once) and a ping, as Anthropic opens every stream. */
  start(): string {
    if (this.started) return "";
    this.started = true;
    return messageStartEvent(messageId(this.run.id), this.model?.id ?? "", this.run.plan.promptTokens.tokens) + PING_EVENT;
  }

  keepAlive = (): string => (this.started ? PING_EVENT : this.start());

  private close(): string {
    if (!this.open) return "";
    const text = blockStopEvent(this.open.index);
    this.open = null;
    return text;
  }

  private openBlock(toolIndex: number | null): number {
    const index = this.nextIndex++;
    this.open = { index, toolIndex };
    return index;
  }

  private text(text: string): string {
    if (text === "") return "";
    let out = this.start();
    if (!this.open || this.open.toolIndex !== null) {
      out += this.close();
      out += textBlockStartEvent(this.openBlock(null));
    }
    return out + textDeltaEvent((this.open as OpenBlock).index, text);
  }

  private tool(toolIndex: number, id: string, name: string, argumentsText: string): string {
    if (this.open?.toolIndex === toolIndex) return argumentsText === "" ? "" : inputJsonDeltaEvent(this.open.index, argumentsText);
    if (this.toolBlocks.has(toolIndex)) return "";
    this.toolBlocks.add(toolIndex);
    let out = this.start() + this.close();
    const index = this.openBlock(toolIndex);
    out += toolBlockStartEvent(index, id, name);
    if (argumentsText !== "") out += inputJsonDeltaEvent(index, argumentsText);
    return out;
  }

  /** The SSE text of one part ("" for parts this format does not show, e.g. reasoning without a signature). */
  render(part: StreamPart): string {
    switch (part.type) {
      case "text-delta":
        return this.text(part.text);
      case "tool-call-delta":
        return this.tool(part.index, part.id ?? `toolu_${part.index}`, part.name ?? "", part.argumentsDelta);
      case "tool-call":
        return this.toolBlocks.has(part.index) ? "" : this.tool(part.index, part.call.id, part.call.name, part.call.arguments);
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
        const headers = completionHeaders(this.run.id, this.model);
        for (const name in headers) this.response.setHeader(name, headers[name] as string);
        return sendAnthropicError(this.response, completion.error);
      }
      return this.sse.end(this.start() + errorEvent(completion.error));
    }
    let tail = this.start();
    // Anthropic messages always have at least one content block.
    if (this.nextIndex === 0) tail += textBlockStartEvent(this.openBlock(null));
    tail += this.close();
    tail += messageDeltaEvent(anthropicStopReason(outcome.finishReason, outcome.rawFinishReason), anthropicUsage(outcome.usage, outcome.cost));
    this.sse.end(tail + MESSAGE_STOP_EVENT);
  }

  fail(error: unknown): void {
    const appError = toAppError(error);
    if (!this.sse.isOpen) {
      this.sse.stopKeepAlive();
      if (!this.response.headersSent) sendAnthropicError(this.response, appError);
      return;
    }
    this.sse.end(this.start() + errorEvent(appError));
  }
}

/** Writes a completion run as Anthropic Messages SSE (headers wait for the first token or keep-alive). */
export async function writeMessagesStream(response: ServerResponse, run: CompletionRun, keepAliveMs: number): Promise<void> {
  const stream = new MessageStream(response, run);
  stream.sse.startKeepAlive(keepAliveMs, stream.keepAlive);
  try {
    for await (const event of run.events) {
      if (event.type === "part") {
        const text = stream.render(event.part);
        if (text === "") continue;
        stream.sse.stopKeepAlive();
        const pending = stream.sse.write(text);
        if (pending) await pending;
      } else if (event.type === "route-decided") {
        stream.model = event.model;
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
