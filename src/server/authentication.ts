import type { NextFunction, Request, Response } from "express";
import type { CallerPrincipal } from "../graphql/context.js";
import { sendApiError } from "./error-responses.js";
import type { AppMetrics } from "./metrics.js";

/** The part of the API key service the HTTP and WebSocket edges need. */
export interface KeyAuthenticator {
  authenticate(secret: string): Promise<CallerPrincipal | null>;
  parseAuthorization(header: string | undefined): string | null;
}

/** `Authorization: Bearer <key>` first, then `x-api-key` (the Anthropic SDK's header). */
export function secretFromHeaders(
  authenticator: KeyAuthenticator,
  headers: { authorization?: string | undefined; "x-api-key"?: string | string[] | undefined },
): string | null {
  const bearer = authenticator.parseAuthorization(headers.authorization);
  if (bearer) return bearer;
  const apiKey = headers["x-api-key"];
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return value && value.trim() !== "" ? value.trim() : null;
}

/** Rejects with 401 UNAUTHENTICATED (in the path's API format) unless the request carries a valid key. */
export function requireApiKey(authenticator: KeyAuthenticator, metrics: AppMetrics) {
  return async (request: Request, response: Response, next: NextFunction): Promise<void> => {
    const secret = secretFromHeaders(authenticator, request.headers);
    const principal = secret ? await authenticator.authenticate(secret) : null;
    if (!principal) {
      metrics.rejected("unauthenticated");
      response.setHeader("www-authenticate", 'Bearer realm="switchyard"');
      const message = secret ? "Invalid or revoked API key." : "Missing API key: send Authorization: Bearer <key>.";
      sendApiError(request, response, 401, "UNAUTHENTICATED", message);
      return;
    }
    response.locals.principal = principal;
    next();
  };
}
