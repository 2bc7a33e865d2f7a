/**
 * Wraps an async source so that `return()` / `throw()` (unsubscribe, dropped socket, server stop)
 * abort its signal at once. A plain async generator runs its `finally` only at its next `yield`,
 * which never comes while the upstream is silent (STACK.md pitfall 15).
 */
export function abortOnReturn<T>(
  make: (signal: AbortSignal) => AsyncIterable<T>,
  controller: AbortController = new AbortController(),
): AsyncIterableIterator<T> {
  const inner = make(controller.signal)[Symbol.asyncIterator]();
  const stop = () => {
    controller.abort(new Error("subscription ended by the client"));
    // Let the generator finish its cleanup (settling the request) in the background.
    void Promise.resolve(inner.return?.()).catch(() => undefined);
  };
  return {
    next: () => inner.next(),
    async return(value?: unknown) {
      stop();
      return { done: true, value: value as T };
    },
    async throw(error?: unknown) {
      stop();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
