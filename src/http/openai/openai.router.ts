import type { ServerResponse } from "node:http";
import express, { type Request, type Response, type Router } from "express";
import { AppError } from "../../core/model/errors.js";
import type { Principal } from "../../services/auth/api-key.service.js";
import type { CompletionInput } from "../../services/completion/completion.service.js";
import { setCompletionHeaders } from "../shared/completion-headers.js";
import { sendJson } from "../shared/json-response.js";
import { toAppError } from "../shared/rest-errors.js";
import { DEFAULT_KEEP_ALIVE_MS, principalOf, type RestApiDeps } from "../shared/rest.types.js";
import { abortOnClientClose } from "../shared/sse-response.js";
import { parseChatCompletionRequest } from "./chat-completions.request.js";
import { chatCompletionBody } from "./chat-completions.response.js";
import { writeChatCompletionStream } from "./chat-completions.stream.js";
import { listOpenAIModels } from "./models.handler.js";
import { sendOpenAIError } from "./openai-errors.js";

const MISSING_KEY = "Missing API key: send Authorization: Bearer <key>.";

/**
 * The OpenAI-compatible endpoints on plain node:http responses, so the server's REST fast path and
 * the Express router share them. `principal` is the authenticated key (null answers 401 as before).
 */
export interface OpenAIHandlers {
  chatCompletions(body: unknown, principal: Principal | null, response: ServerResponse): Promise<void>;
  listModels(principal: Principal | null, response: ServerResponse): void;
  getModel(id: string, principal: Principal | null, response: ServerResponse): void;
}

export function createOpenAIHandlers(deps: RestApiDeps): OpenAIHandlers {
  const keepAliveMs = deps.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  const startedAt = Math.floor(Date.now() / 1000);
  return {
    async chatCompletions(body, principal, response) {
      try {
        if (!principal) throw new AppError("UNAUTHENTICATED", MISSING_KEY);
        const call = parseChatCompletionRequest(body);
        const abort = abortOnClientClose(response);
        const input: CompletionInput = { request: call.request, target: call.target, stream: call.stream, signal: abort.signal };
        const caller = { principal, protocol: "openai" as const };
        if (call.stream) {
          const run = await deps.completions.start(caller, input);
          await writeChatCompletionStream(response, run, { includeUsage: call.includeUsage, keepAliveMs });
          return;
        }
        const { run, completion } = await deps.completions.complete(caller, input);
        if (completion.outcome.status === "ABORTED" && abort.signal.aborted) return;
        const outcome = completion.outcome;
        setCompletionHeaders(response, run.id, outcome.model, completion.error ? null : outcome.cost);
        if (completion.error) return sendOpenAIError(response, completion.error);
        sendJson(response, 200, chatCompletionBody(run.id, outcome, Math.floor(Date.now() / 1000)));
      } catch (error) {
        if (!response.headersSent) sendOpenAIError(response, toAppError(error));
      }
    },
    listModels(principal, response) {
      sendJson(response, 200, { object: "list", data: listOpenAIModels(deps.catalog, deps.routes, principal, startedAt) });
    },
    getModel(id, principal, response) {
      const entry = listOpenAIModels(deps.catalog, deps.routes, principal, startedAt).find((model) => model.id === id);
      if (entry) sendJson(response, 200, entry);
      else sendOpenAIError(response, new AppError("NOT_FOUND", `The model '${id}' does not exist.`));
    },
  };
}

/**
 * The OpenAI-compatible API, to mount on `/v1`: `POST /chat/completions`, `GET /models`,
 * `GET /models/:id`. Every completion runs through CompletionService (recorded like GraphQL ones).
 */
export function createOpenAIRouter(handlers: OpenAIHandlers): Router {
  const router = express.Router();

  router.post("/chat/completions", (request: Request, response: Response) =>
    handlers.chatCompletions(request.body, principalOf(response.locals), response),
  );
  router.get("/models", (_request, response) => handlers.listModels(principalOf(response.locals), response));
  router.get("/models/*id", (request, response) => {
    const raw = request.params.id as unknown;
    handlers.getModel(Array.isArray(raw) ? raw.join("/") : String(raw), principalOf(response.locals), response);
  });
  return router;
}
