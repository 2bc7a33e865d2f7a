import type { ChatMessage, ChatRequest, ResponseFormat, ToolCall, ToolChoice, ToolDefinition } from "../../core/model/chat-request.js";
import { AppError } from "../../core/model/errors.js";
import type { RoutePlan } from "../../core/routing/router.types.js";
import type { ConversationRow, MessageRoleValue, MessageRow } from "../../db/schema/index.js";
import type { CompletionCaller, CompletionEvent, CompletionRun, CompletionService, SettledCompletion } from "../completion/completion.service.js";
import type { CompletionRequestService } from "../requests/completion-request.service.js";
import type { ConversationService, NewMessage } from "./conversation.service.js";
import { trimToContextWindow, type ContextWindowResolver } from "./history-trim.js";

/**
 * A message of the request. Tool calls (assistant) and tool results (`toolCallId`) make tool round
 * trips possible in stateless completions; a conversation stores role and content only.
 */
export interface TurnMessage extends NewMessage {
  toolCalls?: ToolCall[] | null;
  toolCallId?: string | null;
}

/** A completion as the GraphQL layer asks for it (SPEC §3 CompletionInput), in domain terms. */
export interface TurnInput {
  /** provider/model, a bare name, route:NAME or auto; default: the conversation's model, else the default route. */
  target?: string | null;
  messages?: TurnMessage[] | null;
  /** Shorthand for one more user message after `messages`. */
  content?: string | null;
  conversationId?: string | null;
  maxTokens?: number | null;
  temperature?: number | null;
  tools?: ToolDefinition[] | null;
  toolChoice?: ToolChoice | null;
  responseFormat?: ResponseFormat | null;
  metadata?: Record<string, string> | null;
  stream: boolean;
  signal?: AbortSignal;
}

/** A started turn: the completion run plus what the conversation gains from it. */
export interface Turn {
  id: string;
  plan: RoutePlan;
  conversation: ConversationRow | null;
  events: AsyncIterable<CompletionEvent>;
  /** Notes about how the request was shaped (history trimmed). Also stored in the request's warnings. */
  notes: string[];
  /** The turn's new (user) messages; written while the completion runs. Empty without a conversation. */
  userMessages: Promise<MessageRow[]>;
  /**
   * Waits for the settled row (read-your-writes), stores the assistant message (conversation turns
   * with text, including the partial text of an aborted stream) and returns it.
   */
  finish(completion: SettledCompletion): Promise<MessageRow | null>;
}

export interface FinishedTurn {
  turn: Turn;
  completion: SettledCompletion;
  userMessages: MessageRow[];
  assistantMessage: MessageRow | null;
}

export interface ChatServiceDeps {
  conversations: ConversationService;
  requests: CompletionRequestService;
  completions: Pick<CompletionService, "start">;
  /** Context window for trimming conversation history; absent: no trimming. */
  contextWindow?: ContextWindowResolver;
}

const CORE_ROLE: Record<MessageRoleValue, ChatMessage["role"]> = { SYSTEM: "system", USER: "user", ASSISTANT: "assistant", TOOL: "tool" };

/**
 * Runs completions for the GraphQL API (`complete`, `sendMessage`, `completionStream`) on the one
 * CompletionService: builds the request from the conversation history, trims it to the context
 * window, and persists the turn's messages. A request refused before it starts stores nothing.
 */
export class ChatService {
  constructor(private readonly deps: ChatServiceDeps) {}

  async start(caller: CompletionCaller, input: TurnInput): Promise<Turn> {
    const conversation = input.conversationId ? await this.deps.conversations.get(caller.principal, input.conversationId) : null;
    const newMessages: TurnMessage[] = [...(input.messages ?? [])];
    if (input.content !== null && input.content !== undefined) newMessages.push({ role: "USER", content: input.content });
    if (newMessages.length === 0) throw new AppError("BAD_USER_INPUT", "give `messages` or `content`");
    const history = conversation ? await this.deps.conversations.history(conversation.id) : [];
    const target = input.target ?? conversation?.model ?? null;
    const built = buildRequest(input, conversation, history, newMessages);
    const window = conversation && this.deps.contextWindow ? this.deps.contextWindow(target, built) : null;
    const trimmed = trimToContextWindow(built, window);
    const notes = trimmed.note ? [trimmed.note] : [];
    const run: CompletionRun = await this.deps.completions.start(caller, {
      request: trimmed.request,
      target,
      stream: input.stream,
      conversationId: conversation?.id ?? null,
      signal: input.signal,
      notes,
    });
    const userMessages = conversation ? this.deps.conversations.append(conversation.id, newMessages) : Promise.resolve([]);
    // Awaited by finish(); a failure there surfaces to the caller, never as an unhandled rejection.
    userMessages.catch(() => undefined);
    const finish = async (completion: SettledCompletion): Promise<MessageRow | null> => {
      await Promise.all([completion.persisted, userMessages]);
      const text = completion.outcome.text;
      if (!conversation || text === "") return null;
      const [assistant] = await this.deps.conversations.append(conversation.id, [{ role: "ASSISTANT", content: text, completionRequestId: completion.id }]);
      return assistant ?? null;
    };
    return { id: run.id, plan: run.plan, conversation, events: run.events, notes, userMessages, finish };
  }

  /** A whole turn: start, drain the events, persist. */
  async run(caller: CompletionCaller, input: TurnInput): Promise<FinishedTurn> {
    const turn = await this.start(caller, input);
    let completion: SettledCompletion | null = null;
    for await (const event of turn.events) if (event.type === "settled") completion = event.completion;
    if (!completion) throw new AppError("INTERNAL_SERVER_ERROR", "completion ended without an outcome");
    const assistantMessage = await turn.finish(completion);
    return { turn, completion, userMessages: await turn.userMessages, assistantMessage };
  }
}

function buildRequest(input: TurnInput, conversation: ConversationRow | null, history: MessageRow[], newMessages: TurnMessage[]): ChatRequest {
  const messages: ChatMessage[] = [];
  if (conversation?.systemPrompt) messages.push({ role: "system", content: conversation.systemPrompt });
  for (const message of history) messages.push({ role: CORE_ROLE[message.role], content: message.content });
  for (const message of newMessages) {
    const chat: ChatMessage = { role: CORE_ROLE[message.role], content: message.content };
    if (message.toolCalls?.length) chat.toolCalls = message.toolCalls;
    if (message.toolCallId) chat.toolCallId = message.toolCallId;
    messages.push(chat);
  }
  const request: ChatRequest = { messages };
  if (input.maxTokens !== null && input.maxTokens !== undefined) request.maxOutputTokens = input.maxTokens;
  if (input.temperature !== null && input.temperature !== undefined) request.temperature = input.temperature;
  if (input.tools?.length) request.tools = input.tools;
  if (input.toolChoice) request.toolChoice = input.toolChoice;
  if (input.responseFormat) request.responseFormat = input.responseFormat;
  if (input.metadata) request.metadata = input.metadata;
  return request;
}
