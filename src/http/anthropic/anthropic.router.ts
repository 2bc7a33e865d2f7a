import express, { type Request, type RequestHandler, type Response, type Router } from "express";
import { AppError } from "../../core/model/errors.js";
import type { CompletionCaller, CompletionInput } from "../../services/completion/completion.service.js";
import { completionHeaders } from "../shared/completion-headers.js";
import { toAppError } from "../shared/rest-errors.js";
import { DEFAULT_KEEP_ALIVE_MS, principalOf, type RestApiDeps } from "../shared/rest.types.js";
import { abortOnClientClose } from "../shared/sse-response.js";
import { sendAnthropicError } from "./anthropic-errors.js";
import { parseMessagesRequest } from "./messages.request.js";
import { messageBody } from "./messages.response.js";
import { writeMessagesStream } from "./messages.stream.js";

const DEFAULT_BODY_LIMIT = 1024 * 1024;

function callerOf(response: Response): CompletionCaller {
  const principal = principalOf(response.locals);
  if (!principal) throw new AppError("UNAUTHENTICATED", "Missing API key: send x-api-key or Authorization: Bearer <key>.");
  return { principal, protocol: "anthropic" };
}

function messagesHandler(deps: RestApiDeps): RequestHandler {
  const keepAliveMs = deps.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  return async (request: Request, response: Response): Promise<void> => {
    try {
      const caller = callerOf(response);
      const call = parseMessagesRequest(request.body);
      const abort = abortOnClientClose(response);
      const input: CompletionInput = { request: call.request, target: call.target, stream: call.stream, signal: abort.signal };
      if (call.stream) {
        const run = await deps.completions.start(caller, input);
        await writeMessagesStream(response, run, keepAliveMs);
        return;
      }
      const { run, completion } = await deps.completions.complete(caller, input);
      if (completion.outcome.status === "ABORTED" && abort.signal.aborted) return;
      const outcome = completion.outcome;
      const headers = completionHeaders(run.id, outcome.model, completion.error ? null : outcome.cost);
      for (const name in headers) response.setHeader(name, headers[name] as string);
      if (completion.error) return sendAnthropicError(response, completion.error);
      response.json(messageBody(run.id, outcome));
    } catch (error) {
      if (!response.headersSent) sendAnthropicError(response, toAppError(error));
    }
  };
}

/**
 * The Anthropic-compatible API, to mount on `/v1`: `POST /messages`. Any `anthropic-version` is accepted;
 * the key comes as `x-api-key` or `Authorization: Bearer` (the authentication middleware reads both).
 */
export function createAnthropicRouter(deps: RestApiDeps): Router {
  const router = express.Router();
  const json = express.json({ limit: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT });
  const before: RequestHandler[] = deps.authenticate ? [deps.authenticate] : [];
  router.post("/messages", ...before, json, messagesHandler(deps));
  return router;
}
