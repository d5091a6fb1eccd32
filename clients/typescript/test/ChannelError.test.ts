import { describe, expect, it } from "vitest";
import { ChannelError, type ChannelErrorCode } from "../src/ChannelError.js";


/** Every code the server sends (wire protocol v1). */
const protocolCodes: readonly ChannelErrorCode[] = [
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
];
describe("ChannelError", () => {
  it("parses the code out of the SignalR client's HubException message", () => {
    const error = ChannelError.from(
      new Error("An unexpected error occurred invoking 'Subscribe' on the server. HubException: forbidden: no route matches private-x"),
      "private-x",
    );

    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe("forbidden");
    expect(error.detail).toBe("no route matches private-x");
    expect(error.channel).toBe("private-x");
    expect(error.message).toBe("forbidden: no route matches private-x");
  });

  it.each(protocolCodes)("recognizes the code %s in a bare coded message", (code) => {
    const error = ChannelError.fromMessage(`${code}: some detail`);

    expect(error.code).toBe(code);
    expect(error.detail).toBe("some detail");
  });

  it("keeps colons inside the detail", () => {
    const error = ChannelError.fromMessage("HubException: invalid_argument: limit: must be 1..1000");

    expect(error.code).toBe("invalid_argument");
    expect(error.detail).toBe("limit: must be 1..1000");
  });

  it("maps an unknown code to unknown with the whole message as detail", () => {
    const message = "An unexpected error occurred invoking 'Whisper' on the server. HubException: teapot: short and stout";
    const error = ChannelError.from(new Error(message));

    expect(error.code).toBe("unknown");
    expect(error.detail).toBe(message);
  });

  it("maps a message without any code (server without detailed errors) to unknown", () => {
    const error = ChannelError.from(new Error("An unexpected error occurred invoking 'Subscribe' on the server."));

    expect(error.code).toBe("unknown");
  });

  it("keeps the original error as the cause and passes a ChannelError through", () => {
    const original = new Error("HubException: rate_limited: 10 per second");
    const error = ChannelError.from(original);

    expect(error.cause).toBe(original);
    expect(ChannelError.from(error)).toBe(error);
  });

  it("accepts non-Error rejections", () => {
    expect(ChannelError.from("unavailable: redis down").code).toBe("unavailable");
  });

  it.each(protocolCodes)("recognizes the protocol's code %s", (code) => {
    const error = ChannelError.from(new Error(`An unexpected error occurred invoking 'X' on the server. HubException: ${code}: detail`));

    expect([error.code, error.detail]).toEqual([code, "detail"]);
  });
});
