import { Channel } from "./Channel.js";
import { ChannelError } from "./ChannelError.js";
import { HubMethods, ReservedEvents, type ChannelEvent } from "./protocol.js";
import type { AnyEvents, EventMap, EventName, WhisperListener } from "./typing.js";

type AnyWhisperListener = (data: unknown, from: string | undefined, event: ChannelEvent) => void;

/**
 * A private channel (`private-…`): the server authorizes each (re)subscription. Adds client events
 * ("whispers"), typed by `TWhispers` the way `TEvents` types server events.
 */
export class PrivateChannel<TEvents extends EventMap = AnyEvents, TWhispers extends EventMap = AnyEvents> extends Channel<TEvents> {
  private readonly whisperListeners = new Map<string, Set<AnyWhisperListener>>();

  /**
   * Sends a client event to the other subscribers; they receive it as `client-<event>` with the
   * server-stamped sender. Rejects with a `ChannelError` (`rate_limited`, `payload_too_large`, …).
   */
  async whisper<TName extends EventName<TWhispers>>(event: TName, data: TWhispers[TName]): Promise<void> {
    try {
      await this.host.invoke<void>(HubMethods.whisper, this.name, event, data);
    } catch (error) {
      throw ChannelError.from(error, this.name);
    }
  }

  /** Calls `listener` with the payload and sender of every whisper named `event` (sent without `client-`). */
  listenForWhisper<TName extends EventName<TWhispers>>(event: TName, listener: WhisperListener<TWhispers, TName>): this {
    let set = this.whisperListeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.whisperListeners.set(event, set);
    }
    set.add(listener as AnyWhisperListener);
    return this;
  }

  /** Removes one whisper listener of `event`, or all of them. */
  stopListeningForWhisper<TName extends EventName<TWhispers>>(event: TName, listener?: WhisperListener<TWhispers, TName>): this {
    const set = this.whisperListeners.get(event);
    if (set !== undefined) {
      if (listener === undefined) {
        set.clear();
      } else {
        set.delete(listener as AnyWhisperListener);
      }
      if (set.size === 0) {
        this.whisperListeners.delete(event);
      }
    }
    return this;
  }

  protected override dispatchReserved(event: ChannelEvent): boolean {
    if (!event.event.startsWith(ReservedEvents.whisperPrefix)) {
      return super.dispatchReserved(event);
    }
    const listeners = this.whisperListeners.get(event.event.slice(ReservedEvents.whisperPrefix.length));
    if (listeners !== undefined) {
      this.each(listeners, event.event, (listener) => listener(event.data, event.from, event));
    }
    return true;
  }

  /** @internal */
  override dispose(): void {
    this.whisperListeners.clear();
    super.dispose();
  }
}
