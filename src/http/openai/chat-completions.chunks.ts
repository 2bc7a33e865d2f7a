import type { AppError } from "../../core/model/errors.js";
import { openAIErrorBody } from "./openai-errors.js";
import type { OpenAIUsage } from "./chat-completions.response.js";

export const SSE_DONE = "data: [DONE]\n\n";
export const OPENAI_KEEP_ALIVE = ": keep-alive\n\n";

/**
 * Preformats `chat.completion.chunk` events. The envelope (id, created, model) is serialized once per
 * stream; each delta only stringifies its own text.
 */
export class ChatCompletionChunks {
  private readonly head: string;

  constructor(id: string, created: number, model: string) {
    this.head = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":`;
  }

  private delta(deltaJson: string, finishReason: string | null = null): string {
    const finish = finishReason === null ? "null" : JSON.stringify(finishReason);
    return `${this.head}[{"index":0,"delta":${deltaJson},"logprobs":null,"finish_reason":${finish}}]}\n\n`;
  }

  role(): string {
    return this.delta('{"role":"assistant","content":""}');
  }

  content(text: string): string {
    return this.delta(`{"content":${JSON.stringify(text)}}`);
  }

  /** Reasoning text in DeepSeek's `reasoning_content` field (OpenAI's chat API has none). */
  reasoning(text: string): string {
    return this.delta(`{"reasoning_content":${JSON.stringify(text)}}`);
  }

  toolCallStart(index: number, id: string, name: string, argumentsText: string): string {
    const call = { index, id, type: "function", function: { name, arguments: argumentsText } };
    return this.delta(`{"tool_calls":[${JSON.stringify(call)}]}`);
  }

  toolCallArguments(index: number, argumentsText: string): string {
    return this.delta(`{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(argumentsText)}}}]}`);
  }

  finish(reason: string): string {
    return this.delta("{}", reason);
  }

  /** The include_usage chunk: empty choices, usage (with the extra `cost`). */
  usage(usage: OpenAIUsage): string {
    return `${this.head}[],"usage":${JSON.stringify(usage)}}\n\n`;
  }

  /** In-band failure after the first token (SPEC §8), then a chunk that cannot pass for a clean end. */
  failure(error: AppError): string {
    const { error: body } = openAIErrorBody(error);
    const inBand = { error: { message: body.message, type: body.type, code: body.code ?? error.code.toLowerCase() } };
    return `data: ${JSON.stringify(inBand)}\n\n${this.finish("error")}`;
  }
}
