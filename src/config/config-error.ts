/** A configuration problem; the message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly variable?: string,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}
