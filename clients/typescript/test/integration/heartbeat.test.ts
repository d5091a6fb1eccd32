import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { connect, defaultTimeoutMs, disconnectAll, type Protocol } from "./support/harness.js";

const { memory } = inject("servers");

afterEach(disconnectAll);

describe.each<Protocol>(["json", "messagepack"])("heartbeats over %s", (protocol) => {
  it("measures the round trip with the server's Heartbeat method, which accepts them", async () => {
    const { client, logger } = await connect(memory, { protocol, heartbeatIntervalMs: 100 });

    await vi.waitFor(() => expect(client.roundTripMs()).toBeGreaterThanOrEqual(0), { timeout: defaultTimeoutMs });

    expect(client.roundTripMs()).toBeLessThan(defaultTimeoutMs);
    expect(logger.entries.filter((e) => e.message.includes("Heartbeat refused"))).toEqual([]);
  });
});
