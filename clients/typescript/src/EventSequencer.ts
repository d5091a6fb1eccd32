import { normalizeEvent, normalizePosition, type ChannelEvent, type HistoryResult, type StreamPosition, type SubscribeResult } from "./protocol.js";
import { RecentIds } from "./RecentIds.js";
import type { GapInfo, GapReason } from "./typing.js";

/** What a sequencer needs from its channel. */
export interface SequencerSink {
  deliver(event: ChannelEvent): void;
  gap(info: GapInfo): void;
  /** `GetHistory(channel, { since, limit, reverse: null })`. */
  fetchHistory(since: StreamPosition, limit: number): Promise<HistoryResult>;
  /** False while the connection is down: a resubscription will recover instead. */
  canFetch(): boolean;
}

/** The offset an event follows on: its `prevOffset` (filtered subscriptions), else the offset before it. */
function previousOf(event: ChannelEvent): number {
  return event.prevOffset ?? event.offset! - 1;
}

/**
 * Turns the events of one channel as they arrive (duplicated, out of order, across reconnects) into
 * the events the app sees: each offset once, in order, and every hole either filled from history or
 * reported as a gap. Events without an offset pass straight through, except a repeat of an event id
 * (a queued event sent twice).
 */
export class EventSequencer {
  private position: StreamPosition | null = null;
  private holding = true;
  private held: ChannelEvent[] = [];
  private readonly ahead = new Map<number, ChannelEvent>();
  private readonly retiredEpochs = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private filling = false;
  private readonly recentIds = new RecentIds();
  // Bumped whenever a history fill in flight must be ignored (resubscription, epoch switch, dispose).
  private generation = 0;

  constructor(
    private readonly channel: string,
    private readonly sink: SequencerSink,
    private readonly reorderWindowMs: number,
    private readonly maxAhead: number,
  ) {}

  /** The last position delivered; what a resubscription asks to resume after. */
  get lastPosition(): StreamPosition | null {
    return this.position;
  }

  /** Holds every event back while a (re)subscription is in flight. */
  hold(): void {
    this.holding = true;
    this.interrupt();
  }

  /**
   * Applies a subscription result: reports a failed recovery, delivers the missed events, then the
   * events that arrived meanwhile, deduplicated against them.
   * @param since The position sent with the subscription, if any.
   */
  resume(result: Pick<SubscribeResult, "position" | "recovered" | "missed">, since: StreamPosition | null): void {
    this.holding = false;
    this.interrupt();
    const current = normalizePosition(result.position);
    if (since === null) {
      this.position = current;
    } else if (!result.recovered) {
      const sameEpoch = current !== null && current.epoch === since.epoch;
      if (!sameEpoch || current.offset > since.offset) {
        this.sink.gap({
          channel: this.channel,
          reason: current === null || sameEpoch ? "not_recovered" : "epoch_changed",
          epoch: since.epoch,
          fromOffset: since.offset + 1,
          toOffset: sameEpoch ? current.offset : null,
        });
      }
      if (current !== null && !sameEpoch) {
        this.retiredEpochs.add(since.epoch);
      }
      this.position = current;
    }
    const pending = [
      ...(result.missed ?? []).map(normalizeEvent),
      ...this.takeAhead(),
      ...this.held,
    ];
    this.held = [];
    for (const event of pending) {
      this.push(event);
    }
  }

  /** Takes one event (already normalized) from the connection or from a replay. */
  push(event: ChannelEvent): void {
    if (this.holding) {
      this.held.push(event);
      return;
    }
    if (event.offset === undefined) {
      if (event.id === undefined || this.recentIds.add(event.id)) {
        this.sink.deliver(event);
      }
      return;
    }
    const epoch = event.epoch ?? this.position?.epoch ?? "";
    if (this.retiredEpochs.has(epoch)) {
      return;
    }
    if (this.position === null) {
      // No position yet (subscribed without history): start from the first event seen.
      this.position = { offset: event.offset - 1, epoch };
    } else if (epoch !== this.position.epoch) {
      this.switchEpoch(epoch);
    }
    const last = this.position!.offset;
    if (event.offset <= last) {
      return;
    }
    if (previousOf(event) <= last) {
      this.emit(event);
      this.drain();
      return;
    }
    if (!this.ahead.has(event.offset)) {
      this.ahead.set(event.offset, event);
    }
    if (this.ahead.size > this.maxAhead) {
      this.cancelTimer();
      void this.fill();
    } else {
      this.armTimer();
    }
  }

  /** Stops timers and forgets everything; the channel is gone. */
  dispose(): void {
    this.interrupt();
    this.holding = true;
    this.held = [];
    this.ahead.clear();
  }

  private interrupt(): void {
    this.cancelTimer();
    this.generation++;
    this.filling = false;
  }

  private emit(event: ChannelEvent): void {
    this.position = { offset: event.offset!, epoch: this.position!.epoch };
    this.sink.deliver(event);
  }

  /** Delivers the events that have become contiguous, and waits for the next hole if one remains. */
  private drain(): void {
    let blocked = false;
    for (const next of this.takeAhead()) {
      if (next.offset! <= this.position!.offset) {
        continue; // A duplicate of what was just delivered.
      }
      // The first event that does not follow on holds back the rest, so delivery stays in offset order.
      blocked ||= previousOf(next) > this.position!.offset;
      if (blocked) {
        this.ahead.set(next.offset!, next);
      } else {
        this.emit(next);
      }
    }
    if (this.ahead.size === 0) {
      this.cancelTimer();
    } else {
      this.armTimer();
    }
  }

  private takeAhead(): ChannelEvent[] {
    const events = [...this.ahead.values()].sort((a, b) => a.offset! - b.offset!);
    this.ahead.clear();
    return events;
  }

  private switchEpoch(epoch: string): void {
    const previous = this.position!;
    // What we hold of the old stream can never be fetched any more: deliver it, reporting its holes.
    for (const event of this.takeAhead()) {
      this.skipTo(event.offset! - 1, "epoch_changed");
      this.emit(event);
    }
    this.sink.gap({ channel: this.channel, reason: "epoch_changed", epoch: previous.epoch, fromOffset: this.position!.offset + 1, toOffset: null });
    this.retiredEpochs.add(previous.epoch);
    this.interrupt();
    this.position = { offset: 0, epoch };
  }

  /** Reports the offsets up to `offset` that will never be delivered, and moves past them. */
  private skipTo(offset: number, reason: GapReason): void {
    const position = this.position!;
    if (offset > position.offset) {
      this.sink.gap({ channel: this.channel, reason, epoch: position.epoch, fromOffset: position.offset + 1, toOffset: offset });
      this.position = { offset, epoch: position.epoch };
    }
  }

  private armTimer(): void {
    if (this.timer === undefined && !this.filling) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.fill();
      }, this.reorderWindowMs);
    }
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Fetches the hole before the first event held ahead from history; what history lacks is a gap. */
  private async fill(): Promise<void> {
    if (this.filling || this.holding || this.ahead.size === 0 || !this.sink.canFetch()) {
      return;
    }
    const generation = this.generation;
    const first = Math.min(...this.ahead.keys());
    const target = previousOf(this.ahead.get(first)!);
    const epoch = this.position!.epoch;
    this.filling = true;
    let failed = false;
    while (this.position!.offset < target) {
      const since = this.position!;
      let history: HistoryResult;
      try {
        history = await this.sink.fetchHistory(since, target - since.offset);
      } catch {
        if (generation !== this.generation) {
          return;
        }
        failed = true;
        break;
      }
      if (generation !== this.generation) {
        return;
      }
      const usable = history.events
        .map(normalizeEvent)
        .filter((e) => e.offset !== undefined && (e.epoch ?? epoch) === epoch && e.offset > this.position!.offset && e.offset <= target)
        .sort((a, b) => a.offset! - b.offset!);
      if (usable.length === 0) {
        break;
      }
      for (const event of usable) {
        if (event.offset! > this.position!.offset) {
          this.skipTo(previousOf(event), "history_incomplete");
          this.emit(event);
        }
      }
    }
    this.filling = false;
    this.skipTo(target, failed ? "history_error" : "history_incomplete");
    this.drain();
  }
}
