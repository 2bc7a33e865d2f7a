import express, { type Request, type RequestHandler, type Response, type Router } from "express";
import { AppError } from "../../core/model/errors.js";
import type { CompletionCaller, CompletionInput } from "../../services/completion/completion.service.js";
import { completionHeaders } from "../shared/completion-headers.js";
import { toAppError } from "../shared/rest-errors.js";
import { DEFAULT_KEEP_ALIVE_MS, principalOf, type RestApiDeps } from "../shared/rest.types.js";
import { abortOnClientClose } from "../shared/sse-response.js";
import { parseChatCompletionRequest } from "./chat-completions.request.js";
import { chatCompletionBody } from "./chat-completions.response.js";
import { writeChatCompletionStream } from "./chat-completions.stream.js";
import { listOpenAIModels } from "./models.handler.js";
import { sendOpenAIError } from "./openai-errors.js";

const DEFAULT_BODY_LIMIT = 1024 * 1024;

function callerOf(response: Response): CompletionCaller {
  const principal = principalOf(response.locals);
  if (!principal) throw new AppError("UNAUTHENTICATED", "Missing API key: send Authorization: Bearer <key>.");
  return { principal, protocol: "openai" };
}

function setHeaders(response: Response, headers: Record<string, string>): void {
  for (const name in headers) response.setHeader(name, headers[name] as string);
}

function chatCompletionsHandler(deps: RestApiDeps): RequestHandler {
  const keepAliveMs = deps.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  return async (request: Request, response: Response): Promise<void> => {
    try {
      const caller = callerOf(response);
      const call = parseChatCompletionRequest(request.body);
      const abort = abortOnClientClose(response);
      const input: CompletionInput = { request: call.request, target: call.target, stream: call.stream, signal: abort.signal };
      if (call.stream) {
        const run = await deps.completions.start(caller, input);
        await writeChatCompletionStream(response, run, { includeUsage: call.includeUsage, keepAliveMs });
        return;
      }
      const { run, completion } = await deps.completions.complete(caller, input);
      if (completion.outcome.status === "ABORTED" && abort.signal.aborted) return;
      const outcome = completion.outcome;
      setHeaders(response, completionHeaders(run.id, outcome.model, completion.error ? null : outcome.cost));
      if (completion.error) return sendOpenAIError(response, completion.error);
      response.json(chatCompletionBody(run.id, outcome, Math.floor(Date.now() / 1000)));
    } catch (error) {
      if (!response.headersSent) sendOpenAIError(response, toAppError(error));
    }
  };
}

/**
 * The OpenAI-compatible API, to mount on `/v1`: `POST /chat/completions`, `GET /models`,
 * `GET /models/:id`. Every completion runs through CompletionService (recorded like GraphQL ones).
 */
export function createOpenAIRouter(deps: RestApiDeps): Router {
  const router = express.Router();
  const json = express.json({ limit: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT });
  const before: RequestHandler[] = deps.authenticate ? [deps.authenticate] : [];
  const startedAt = Math.floor(Date.now() / 1000);

  router.post("/chat/completions", ...before, json, chatCompletionsHandler(deps));
  router.get("/models", ...before, (_request, response) => {
    const data = listOpenAIModels(deps.catalog, deps.routes, principalOf(response.locals), startedAt);
    response.json({ object: "list", data });
  });
  router.get("/models/*id", ...before, (request, response) => {
    const raw = request.params.id as unknown;
    const id = Array.isArray(raw) ? raw.join("/") : String(raw);
    const entry = listOpenAIModels(deps.catalog, deps.routes, principalOf(response.locals), startedAt).find((model) => model.id === id);
    if (entry) response.json(entry);
    else sendOpenAIError(response, new AppError("NOT_FOUND", `The model '${id}' does not exist.`));
  });
  return router;
}
