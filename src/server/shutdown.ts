import type { Logger } from "pino";

/**
 * Runs `drain` but never longer than `timeoutMs`: past the bound, `force` cuts the remaining
 * connections so a stuck client cannot hold the process.
 */
export async function shutdownWithin(
  timeoutMs: number,
  logger: Logger,
  steps: { drain: () => Promise<void>; force: () => void },
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
    timer.unref();
  });
  const drained = steps.drain().then(
    () => "drained" as const,
    (error: unknown) => {
      logger.error({ err: error }, "error while draining");
      return "drained" as const;
    },
  );
  const outcome = await Promise.race([drained, timedOut]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    logger.warn({ timeoutMs }, "shutdown timeout reached; closing remaining connections");
    steps.force();
  }
}

/**
 * SIGTERM / SIGINT → one graceful close, then exit 0. Repeated signals are ignored: under
 * `npm start` the terminal's Ctrl-C reaches npm, tsx and node, and tsx relays it again.
 * The close is bounded by the shutdown timeout; `hardExitMs` is the last-resort backstop.
 */
export function closeOnSignals(
  close: () => Promise<void>,
  logger: Logger,
  options: { hardExitMs: number; exit?: (code: number) => void },
): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    setTimeout(() => {
      logger.error("shutdown did not finish in time; exiting");
      exit(1);
    }, options.hardExitMs).unref();
    close().then(
      () => exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
