/** The stable error codes of the wire protocol, plus `unknown` for anything that carries none. */
export type ChannelErrorCode =
  | "invalid_channel"
  | "invalid_argument"
  | "forbidden"
  | "not_subscribed"
  | "not_presence"
  | "whisper_disabled"
  | "payload_too_large"
  | "rate_limited"
  | "limit_exceeded"
  | "unavailable"
  | "unknown_method"
  | "event_dropped"
  | "event_failed"
  | "unknown";

const knownCodes: ReadonlySet<string> = new Set<ChannelErrorCode>([
  "invalid_channel",
  "invalid_argument",
  "forbidden",
  "not_subscribed",
  "not_presence",
  "whisper_disabled",
  "payload_too_large",
  "rate_limited",
  "limit_exceeded",
  "unavailable",
  "unknown_method",
  "event_dropped",
  "event_failed",
]);

// The JS SignalR client reports a server HubException as
// "An unexpected error occurred invoking 'X' on the server. HubException: <message>".
const hubExceptionMarker = "HubException: ";
const codedMessage = /^([a-z_]+):\s*([\s\S]*)$/;

/** An error from the server (or a subscription) with its protocol code parsed out. */
export class ChannelError extends Error {
  override readonly name = "ChannelError";

  /**
   * @param code The protocol code, or `unknown`.
   * @param detail The server's message after the code (or the whole message for `unknown`).
   * @param channel The channel the failing operation was about, when there was one.
   */
  constructor(
    readonly code: ChannelErrorCode,
    readonly detail: string,
    readonly channel?: string,
    options?: { cause?: unknown },
  ) {
    super(code === "unknown" ? detail : `${code}: ${detail}`, options);
  }

  /** Parses a coded message such as `forbidden: no route matches private-x`. */
  static fromMessage(message: string, channel?: string, cause?: unknown): ChannelError {
    const markerAt = message.lastIndexOf(hubExceptionMarker);
    const body = markerAt >= 0 ? message.slice(markerAt + hubExceptionMarker.length) : message;
    const match = codedMessage.exec(body.trim());
    if (match !== null && knownCodes.has(match[1]!)) {
      return new ChannelError(match[1] as ChannelErrorCode, match[2]!, channel, { cause });
    }
    return new ChannelError("unknown", message, channel, { cause });
  }

  /** Wraps whatever an invocation rejected with; a ChannelError passes through unchanged. */
  static from(error: unknown, channel?: string): ChannelError {
    if (error instanceof ChannelError) {
      return error;
    }
    const message = error instanceof Error ? error.message : String(error);
    return ChannelError.fromMessage(message, channel, error);
  }
}
