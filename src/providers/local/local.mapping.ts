import { countTokens, decode, encode } from "gpt-tokenizer";
import type { ChatRequest } from "../../core/model/chat-request.js";
import { messageText } from "../../core/model/chat-request.js";

export const LOCAL_MODELS = ["echo", "lorem"] as const;
export type LocalModelName = (typeof LOCAL_MODELS)[number];

/** Default pause between streamed tokens: a few ms feels like a real model and keeps tests quick. */
export const DEFAULT_LOCAL_TOKEN_DELAY_MS = 4;

const WORDS = (
  "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore " +
  "magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo consequat " +
  "duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint occaecat " +
  "cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum"
).split(" ");

/** FNV-1a: a stable 32-bit seed from the prompt. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** mulberry32: small deterministic PRNG. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** 2 to 5 sentences of 6 to 14 words, chosen by a PRNG seeded with the whole prompt. */
export function loremText(promptText: string): string {
  const random = seededRandom(hashText(promptText));
  const sentences: string[] = [];
  const sentenceCount = 2 + Math.floor(random() * 4);
  for (let sentence = 0; sentence < sentenceCount; sentence++) {
    const length = 6 + Math.floor(random() * 9);
    const words: string[] = [];
    for (let word = 0; word < length; word++) words.push(WORDS[Math.floor(random() * WORDS.length)]!);
    const text = words.join(" ");
    sentences.push(text.charAt(0).toUpperCase() + text.slice(1) + ".");
  }
  return sentences.join(" ");
}

export function lastUserText(request: ChatRequest): string {
  for (let index = request.messages.length - 1; index >= 0; index--) {
    const message = request.messages[index]!;
    if (message.role === "user") return messageText(message.content);
  }
  return "";
}

export function promptText(request: ChatRequest): string {
  return request.messages.map((message) => `${message.role}: ${messageText(message.content)}`).join("\n");
}

/** Prompt tokens as the o200k tokenizer counts each message, plus 3 framing tokens per message (OpenAI's rule). */
export function countPromptTokens(request: ChatRequest): number {
  let total = 3;
  for (const message of request.messages) total += 3 + countTokens(messageText(message.content));
  return total;
}

/**
 * The output as token-sized text pieces. Decoding prefixes (not single tokens) keeps multi-byte characters
 * whole: a piece is emitted only once its bytes form complete characters.
 */
export function outputPieces(text: string, maxTokens: number | undefined): { pieces: string[]; tokens: number; truncated: boolean } {
  const tokens = encode(text);
  const limit = maxTokens !== undefined ? Math.max(0, Math.min(maxTokens, tokens.length)) : tokens.length;
  const pieces: string[] = [];
  let emitted = "";
  for (let index = 1; index <= limit; index++) {
    const prefix = decode(tokens.slice(0, index));
    if (prefix.endsWith("\uFFFD") && index < limit) continue;
    pieces.push(prefix.slice(emitted.length));
    emitted = prefix;
  }
  return { pieces, tokens: limit, truncated: limit < tokens.length };
}
