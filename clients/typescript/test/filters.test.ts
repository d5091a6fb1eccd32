import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChannelsClient } from "../src/ChannelsClient.js";
import { EventSequencer } from "../src/EventSequencer.js";
import type { ChannelEvent, HistoryResult, StreamPosition } from "../src/protocol.js";
import type { GapInfo } from "../src/typing.js";
import { FakeConnection, offsetEvent } from "./support/FakeConnection.js";
import { TestLogger } from "./support/TestLogger.js";

const channel = "orders";
const window = 200;

/** A filtered subscription's event: `prevOffset` says no event it receives lies between it and `offset`. */
function filtered(offset: number, prevOffset: number): ChannelEvent {
  return { ...offsetEvent(channel, offset, "e1", "tick"), prevOffset };
}

describe("EventSequencer with an event filter", () => {
  let delivered: number[];
  let gaps: GapInfo[];
  let fetches: StreamPosition[];
  let history: ChannelEvent[];
  let sequencer: EventSequencer;

  beforeEach(() => {
    vi.useFakeTimers();
    delivered = [];
    gaps = [];
    fetches = [];
    history = [];
    sequencer = new EventSequencer(
      channel,
      {
        deliver: (event) => void delivered.push(event.offset!),
        gap: (gap) => void gaps.push(gap),
        fetchHistory: async (since): Promise<HistoryResult> => {
          fetches.push(since);
          return { position: null, events: history.filter((e) => e.offset! > since.offset) };
        },
        canFetch: () => true,
      },
      window,
      1000,
    );
    sequencer.resume({ position: { offset: 0, epoch: "e1" }, recovered: false, missed: [] }, null);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("delivers across holes that prevOffset covers, without fetching or reporting a gap", async () => {
    sequencer.push(filtered(3, 0));
    sequencer.push(filtered(7, 3));
    await vi.advanceTimersByTimeAsync(window * 2);

    expect(delivered).toEqual([3, 7]);
    expect(fetches).toEqual([]);
    expect(gaps).toEqual([]);
  });

  it("reorders by prevOffset", () => {
    sequencer.push(filtered(7, 3));
    expect(delivered).toEqual([]);
    sequencer.push(filtered(3, 0));

    expect(delivered).toEqual([3, 7]);
  });

  it("fetches a missed matching event from history, and reports one history lacks up to prevOffset", async () => {
    history = [filtered(3, 0)];
    sequencer.push(filtered(7, 3));
    await vi.advanceTimersByTimeAsync(window);
    expect(delivered).toEqual([3, 7]);
    expect(gaps).toEqual([]);

    sequencer.push(filtered(12, 9));
    await vi.advanceTimersByTimeAsync(window);

    expect(delivered).toEqual([3, 7, 12]);
    expect(gaps).toEqual([{ channel, reason: "history_incomplete", epoch: "e1", fromOffset: 8, toOffset: 9 }]);
  });
});

describe("ChannelsClient with event filters", () => {
  let fake: FakeConnection;
  const client = () => new ChannelsClient({ connection: fake, logger: new TestLogger(), reconnect: false, heartbeatIntervalMs: false });

  beforeEach(() => {
    fake = new FakeConnection();
  });

  it("sends the filter, sorted and distinct, with Subscribe and one SubscribeMany per filter", async () => {
    const made = client();
    made.channel("a", { events: ["tick", "noise", "tick"] });
    made.channel("b", { events: ["noise", "tick"] });
    made.private("c");

    await made.start();

    expect(fake.invocations).toEqual([
      { method: "SubscribeMany", args: [["a", "b"], { events: ["noise", "tick"] }] },
      { method: "Subscribe", args: ["private-c", null] },
    ]);
    made.channel("d", { events: ["x"] });
    expect(fake.invocations.at(-1)).toEqual({ method: "Subscribe", args: ["d", { since: null, events: ["x"] }] });
  });

  it("refuses an empty filter, and another filter for a channel it holds", () => {
    const made = client();
    made.channel("a", { events: ["tick"] });

    expect(made.channel("a", { events: ["tick", "tick"] }).events).toEqual(["tick"]);
    expect(() => made.channel("a")).toThrow(expect.objectContaining({ code: "invalid_argument" }));
    expect(() => made.channel("b", { events: [] })).toThrow(expect.objectContaining({ code: "invalid_argument" }));
  });
});
