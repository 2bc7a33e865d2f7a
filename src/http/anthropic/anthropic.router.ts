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
import { sendAnthropicError } from "./anthropic-errors.js";
import { parseMessagesRequest } from "./messages.request.js";
import { messageBody } from "./messages.response.js";
import { writeMessagesStream } from "./messages.stream.js";

const MISSING_KEY = "Missing API key: send x-api-key or Authorization: Bearer <key>.";

/** `POST /v1/messages` on a plain node:http response (shared by the REST fast path and the Express router). */
export type MessagesHandler = (body: unknown, principal: Principal | null, response: ServerResponse) => Promise<void>;

export function createMessagesHandler(deps: RestApiDeps): MessagesHandler {
  const keepAliveMs = deps.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  return async (body, principal, response) => {
    try {
      if (!principal) throw new AppError("UNAUTHENTICATED", MISSING_KEY);
      const call = parseMessagesRequest(body);
      const abort = abortOnClientClose(response);
      const input: CompletionInput = { request: call.request, target: call.target, stream: call.stream, signal: abort.signal };
      const caller = { principal, protocol: "anthropic" as const };
      if (call.stream) {
        const run = await deps.completions.start(caller, input);
        await writeMessagesStream(response, run, keepAliveMs);
        return;
      }
      const { run, completion } = await deps.completions.complete(caller, input);
      if (completion.outcome.status === "ABORTED" && abort.signal.aborted) return;
      const outcome = completion.outcome;
      setCompletionHeaders(response, run.id, outcome.model, completion.error ? null : outcome.cost);
      if (completion.error) return sendAnthropicError(response, completion.error);
      sendJson(response, 200, messageBody(run.id, outcome));
    } catch (error) {
      if (!response.headersSent) sendAnthropicError(response, toAppError(error));
    }
  };
}

/**
 * The Anthropic-compatible API, to mount on `/v1`: `POST /messages`. Any `anthropic-version` is accepted;
 * the key comes as `x-api-key` or `Authorization: Bearer` (the authentication middleware reads both).
 */
export function createAnthropicRouter(handler: MessagesHandler): Router {
  const router = express.Router();
  router.post("/messages", (request: Request, response: Response) => handler(request.body, principalOf(response.locals), response));
  return router;
}
