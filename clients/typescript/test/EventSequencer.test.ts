import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EventSequencer } from "../src/EventSequencer.js";
import type { ChannelEvent, HistoryResult, StreamPosition } from "../src/protocol.js";
import type { GapInfo } from "../src/typing.js";
import { Deferred, offsetEvent, settle } from "./support/FakeConnection.js";

const channel = "chat.1";
const window = 200;

class Recorder {
  readonly delivered: ChannelEvent[] = [];
  readonly gaps: GapInfo[] = [];
  readonly fetches: { since: StreamPosition; limit: number }[] = [];
  history: (since: StreamPosition, limit: number) => Promise<HistoryResult> = async () => ({ position: null, events: [] });
  connected = true;

  readonly sink = {
    deliver: (event: ChannelEvent) => void this.delivered.push(event),
    gap: (gap: GapInfo) => void this.gaps.push(gap),
    fetchHistory: (since: StreamPosition, limit: number) => {
      this.fetches.push({ since, limit });
      return this.history(since, limit);
    },
    canFetch: () => this.connected,
  };

  get offsets(): number[] {
    return this.delivered.map((e) => e.offset ?? -1);
  }
}

function subscribedAt(recorder: Recorder, offset: number, epoch = "e1", maxAhead = 1000): EventSequencer {
  const sequencer = new EventSequencer(channel, recorder.sink, window, maxAhead);
  sequencer.resume({ position: { offset, epoch }, recovered: false, missed: [] }, null);
  return sequencer;
}

describe("EventSequencer", () => {
  let recorder: Recorder;

  beforeEach(() => {
    vi.useFakeTimers();
    recorder = new Recorder();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("delivers contiguous events at once", () => {
    const sequencer = subscribedAt(recorder, 0);

    [1, 2, 3].forEach((n) => sequencer.push(offsetEvent(channel, n)));

    expect(recorder.offsets).toEqual([1, 2, 3]);
    expect(sequencer.lastPosition).toEqual({ offset: 3, epoch: "e1" });
  });

  it("drops duplicates and events at or before the subscription position", () => {
    const sequencer = subscribedAt(recorder, 5);

    [4, 5, 6, 6, 5, 7].forEach((n) => sequencer.push(offsetEvent(channel, n)));

    expect(recorder.offsets).toEqual([6, 7]);
  });

  it("drops a repeated event id on channels without history, within the remembered window", () => {
    const sequencer = subscribedAt(recorder, 0);
    const queued = (id: string) => ({ channel, event: "queued", data: { id }, timestamp: 1, id });

    sequencer.push(queued("a"));
    sequencer.push(queued("b"));
    sequencer.push(queued("a"));
    for (let i = 0; i < 1000; i++) {
      sequencer.push(queued(`x${i}`));
    }
    sequencer.push(queued("a"));

    expect(recorder.delivered.map((e) => e.id).filter((id) => !id?.startsWith("x"))).toEqual(["a", "b", "a"]);
  });

  it("passes events without an offset straight through", () => {
    const sequencer = subscribedAt(recorder, 0);

    sequencer.push({ channel, event: "ping", data: 1, timestamp: 1 });
    sequencer.push(offsetEvent(channel, 1));

    expect(recorder.delivered.map((e) => e.event)).toEqual(["ping", "message"]);
  });

  it("reorders an event that arrives ahead when the missing one comes within the window", async () => {
    const sequencer = subscribedAt(recorder, 0);

    sequencer.push(offsetEvent(channel, 1));
    sequencer.push(offsetEvent(channel, 3));
    sequencer.push(offsetEvent(channel, 4));
    expect(recorder.offsets).toEqual([1]);

    await vi.advanceTimersByTimeAsync(window - 1);
    sequencer.push(offsetEvent(channel, 2));

    expect(recorder.offsets).toEqual([1, 2, 3, 4]);
    await vi.advanceTimersByTimeAsync(window * 5);
    expect(recorder.fetches).toEqual([]);
    expect(recorder.gaps).toEqual([]);
  });

  it("fills a hole from history once the reorder window passes", async () => {
    recorder.history = async () => ({ position: { offset: 5, epoch: "e1" }, events: [offsetEvent(channel, 2), offsetEvent(channel, 3)] });
    const sequencer = subscribedAt(recorder, 1);

    sequencer.push(offsetEvent(channel, 4));
    sequencer.push(offsetEvent(channel, 5));
    await vi.advanceTimersByTimeAsync(window - 1);
    expect(recorder.fetches).toEqual([]);

    await vi.advanceTimersByTimeAsync(1);

    expect(recorder.fetches).toEqual([{ since: { offset: 1, epoch: "e1" }, limit: 2 }]);
    expect(recorder.offsets).toEqual([2, 3, 4, 5]);
    expect(recorder.gaps).toEqual([]);
  });

  it("keeps asking history while it makes progress (server-side limit below the hole)", async () => {
    recorder.history = async (since) => ({ position: null, events: [offsetEvent(channel, since.offset + 1)] });
    const sequencer = subscribedAt(recorder, 0);

    sequencer.push(offsetEvent(channel, 4));
    await vi.advanceTimersByTimeAsync(window);

    expect(recorder.fetches.map((f) => f.since.offset)).toEqual([0, 1, 2]);
    expect(recorder.offsets).toEqual([1, 2, 3, 4]);
  });

  it("reports what history no longer holds as a gap and carries on with the newer event", async () => {
    recorder.history = async () => ({ position: { offset: 10, epoch: "e1" }, events: [offsetEvent(channel, 8)] });
    const sequencer = subscribedAt(recorder, 2);

    sequencer.push(offsetEvent(channel, 10));
    await vi.advanceTimersByTimeAsync(window);

    expect(recorder.gaps).toEqual([
      { channel, reason: "history_incomplete", epoch: "e1", fromOffset: 3, toOffset: 7 },
      { channel, reason: "history_incomplete", epoch: "e1", fromOffset: 9, toOffset: 9 },
    ]);
    expect(recorder.offsets).toEqual([8, 10]);
    sequencer.push(offsetEvent(channel, 11));
    expect(recorder.offsets).toEqual([8, 10, 11]);
  });

  it("reports a failed history call as a history_error gap", async () => {
    recorder.history = async () => {
      throw new Error("HubException: unavailable: history store down");
    };
    const sequencer = subscribedAt(recorder, 0);

    sequencer.push(offsetEvent(channel, 3));
    await vi.advanceTimersByTimeAsync(window);

    expect(recorder.gaps).toEqual([{ channel, reason: "history_error", epoch: "e1", fromOffset: 1, toOffset: 2 }]);
    expect(recorder.offsets).toEqual([3]);
  });

  it("ignores history from another epoch", async () => {
    recorder.history = async () => ({ position: { offset: 3, epoch: "e2" }, events: [offsetEvent(channel, 1, "e2"), offsetEvent(channel, 2, "e2")] });
    const sequencer = subscribedAt(recorder, 0);

    sequencer.push(offsetEvent(channel, 3));
    await vi.advanceTimersByTimeAsync(window);

    expect(recorder.offsets).toEqual([3]);
    expect(recorder.gaps).toEqual([{ channel, reason: "history_incomplete", epoch: "e1", fromOffset: 1, toOffset: 2 }]);
  });

  it("lets a late live event win over the history answer without delivering twice", async () => {
    const answer = new Deferred<HistoryResult>();
    recorder.history = () => answer.promise;
    const sequencer = subscribedAt(recorder, 0);

    sequencer.push(offsetEvent(channel, 3));
    await vi.advanceTimersByTimeAsync(window);
    sequencer.push(offsetEvent(channel, 1));
    answer.resolve({ position: null, events: [offsetEvent(channel, 1), offsetEvent(channel, 2)] });
    await settle();

    expect(recorder.offsets).toEqual([1, 2, 3]);
    expect(recorder.gaps).toEqual([]);
  });

  it("waits a new window for a hole that opened while history was being read", async () => {
    const answer = new Deferred<HistoryResult>();
    recorder.history = () => answer.promise;
    const sequencer = subscribedAt(recorder, 0);

    sequencer.push(offsetEvent(channel, 2));
    await vi.advanceTimersByTimeAsync(window);
    sequencer.push(offsetEvent(channel, 4));
    answer.resolve({ position: null, events: [offsetEvent(channel, 1)] });
    await settle();
    expect(recorder.offsets).toEqual([1, 2]);

    recorder.history = async () => ({ position: null, events: [offsetEvent(channel, 3)] });
    await vi.advanceTimersByTimeAsync(window);

    expect(recorder.offsets).toEqual([1, 2, 3, 4]);
  });

  it("asks history at once when too many events wait ahead", async () => {
    recorder.history = async () => ({ position: null, events: [offsetEvent(channel, 1)] });
    const sequencer = subscribedAt(recorder, 0, "e1", 2);

    [2, 3, 4].forEach((n) => sequencer.push(offsetEvent(channel, n)));
    await settle();

    expect(recorder.fetches).toHaveLength(1);
    expect(recorder.offsets).toEqual([1, 2, 3, 4]);
  });

  it("does not read history while disconnected (the resubscription recovers instead)", async () => {
    const sequencer = subscribedAt(recorder, 0);
    recorder.connected = false;

    sequencer.push(offsetEvent(channel, 3));
    await vi.advanceTimersByTimeAsync(window * 3);

    expect(recorder.fetches).toEqual([]);
    expect(recorder.gaps).toEqual([]);
  });

  it("holds events during a resubscription and delivers missed ones first, deduplicated", () => {
    const sequencer = subscribedAt(recorder, 0);
    [1, 2].forEach((n) => sequencer.push(offsetEvent(channel, n)));

    sequencer.hold();
    sequencer.push(offsetEvent(channel, 5));
    sequencer.push(offsetEvent(channel, 4));
    expect(recorder.offsets).toEqual([1, 2]);

    sequencer.resume(
      { position: { offset: 4, epoch: "e1" }, recovered: true, missed: [offsetEvent(channel, 3), offsetEvent(channel, 4)] },
      { offset: 2, epoch: "e1" },
    );

    expect(recorder.offsets).toEqual([1, 2, 3, 4, 5]);
    expect(recorder.gaps).toEqual([]);
  });

  it("reports not_recovered and jumps to the server's position", () => {
    const sequencer = subscribedAt(recorder, 0);
    sequencer.push(offsetEvent(channel, 1));
    sequencer.hold();
    sequencer.push(offsetEvent(channel, 40));
    sequencer.push(offsetEvent(channel, 41));

    sequencer.resume({ position: { offset: 40, epoch: "e1" }, recovered: false, missed: [] }, { offset: 1, epoch: "e1" });

    expect(recorder.gaps).toEqual([{ channel, reason: "not_recovered", epoch: "e1", fromOffset: 2, toOffset: 40 }]);
    expect(recorder.offsets).toEqual([1, 41]);
    expect(sequencer.lastPosition).toEqual({ offset: 41, epoch: "e1" });
  });

  it("reports epoch_changed when the resubscription lands in a new epoch, and drops late old-epoch events", () => {
    const sequencer = subscribedAt(recorder, 7);
    sequencer.hold();

    sequencer.resume({ position: { offset: 2, epoch: "e2" }, recovered: false, missed: [] }, { offset: 7, epoch: "e1" });
    sequencer.push(offsetEvent(channel, 8, "e1"));
    sequencer.push(offsetEvent(channel, 3, "e2"));

    expect(recorder.gaps).toEqual([{ channel, reason: "epoch_changed", epoch: "e1", fromOffset: 8, toOffset: null }]);
    expect(recorder.offsets).toEqual([3]);
    expect(sequencer.lastPosition).toEqual({ offset: 3, epoch: "e2" });
  });

  it("switches to a new epoch seen on a live event and reports the old one as cut off", () => {
    const sequencer = subscribedAt(recorder, 0);
    sequencer.push(offsetEvent(channel, 1, "e1"));

    sequencer.push(offsetEvent(channel, 1, "e2"));
    sequencer.push(offsetEvent(channel, 2, "e2"));

    expect(recorder.gaps).toEqual([{ channel, reason: "epoch_changed", epoch: "e1", fromOffset: 2, toOffset: null }]);
    expect(recorder.delivered.map((e) => `${e.epoch}:${e.offset}`)).toEqual(["e1:1", "e2:1", "e2:2"]);
  });

  it("adopts the first offset seen when the subscription had no position", () => {
    const sequencer = new EventSequencer(channel, recorder.sink, window, 1000);
    sequencer.resume({ position: null, recovered: false, missed: [] }, null);

    [10, 11, 11].forEach((n) => sequencer.push(offsetEvent(channel, n)));

    expect(recorder.offsets).toEqual([10, 11]);
  });

  it("forgets a history answer that arrives after a resubscription started", async () => {
    const answer = new Deferred<HistoryResult>();
    recorder.history = () => answer.promise;
    const sequencer = subscribedAt(recorder, 0);
    sequencer.push(offsetEvent(channel, 3));
    await vi.advanceTimersByTimeAsync(window);

    sequencer.hold();
    answer.resolve({ position: null, events: [offsetEvent(channel, 1)] });
    await settle();

    expect(recorder.offsets).toEqual([]);
    expect(recorder.gaps).toEqual([]);
  });

  it("normalizes bigint offsets from MessagePack in missed events", () => {
    const sequencer = new EventSequencer(channel, recorder.sink, window, 1000);
    const missed = { ...offsetEvent(channel, 1), offset: 1n as unknown as number, timestamp: 5n as unknown as number };

    sequencer.resume({ position: { offset: 0, epoch: "e1" }, recovered: true, missed: [missed] }, { offset: 0, epoch: "e1" });

    expect(recorder.delivered[0]).toMatchObject({ offset: 1, timestamp: 5 });
  });
});
