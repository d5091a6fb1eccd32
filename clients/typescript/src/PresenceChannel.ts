import { ChannelError } from "./ChannelError.js";
import { PrivateChannel } from "./PrivateChannel.js";
import { HubMethods, ReservedEvents, type ChannelEvent, type MemberLeftData, type PresenceMember, type SubscribeResult } from "./protocol.js";
import type { AnyEvents, EventMap, HereListener, JoiningListener, LeavingListener } from "./typing.js";

/**
 * A presence channel (`presence-…`): a private channel that also knows who is in it. A member is a
 * user, not a connection; `members` follows the subscription result and `member:joined` / `member:left`.
 */
export class PresenceChannel<TEvents extends EventMap = AnyEvents, TInfo = unknown, TWhispers extends EventMap = AnyEvents> extends PrivateChannel<
  TEvents,
  TWhispers
> {
  private readonly memberMap = new Map<string, PresenceMember<TInfo>>();
  private readonly hereListeners = new Set<HereListener<TInfo>>();
  private readonly joiningListeners = new Set<JoiningListener<TInfo>>();
  private readonly leavingListeners = new Set<LeavingListener<TInfo>>();
  /** Presence events that arrived while a (re)subscription was in flight, and the member ids its result listed. */
  private readonly beforeSnapshot = new WeakSet<ChannelEvent>();
  private snapshotIds = new Set<string>();

  /** Everyone in the channel now, as far as this client knows. */
  get members(): readonly PresenceMember<TInfo>[] {
    return [...this.memberMap.values()];
  }

  /** Called with the full member list each time the (re)subscription succeeds. */
  here(callback: HereListener<TInfo>): this {
    this.hereListeners.add(callback);
    return this;
  }

  /** Called when a user joins (their first connection subscribes). */
  joining(callback: JoiningListener<TInfo>): this {
    this.joiningListeners.add(callback);
    return this;
  }

  /** Called when a user leaves (their last connection goes), with why. */
  leaving(callback: LeavingListener<TInfo>): this {
    this.leavingListeners.add(callback);
    return this;
  }

  /** Asks the server for the member list, replaces `members` with it and calls the `here` listeners. */
  async fetchMembers(): Promise<readonly PresenceMember<TInfo>[]> {
    let members: readonly PresenceMember[] | null;
    try {
      members = await this.host.invoke<readonly PresenceMember[] | null>(HubMethods.getMembers, this.name);
    } catch (error) {
      throw ChannelError.from(error, this.name);
    }
    this.replaceMembers(members ?? []);
    return this.members;
  }

  protected override applySubscription(result: SubscribeResult): void {
    super.applySubscription(result);
    this.snapshotIds = new Set((result.members ?? []).map((m) => m.id));
    this.replaceMembers(result.members ?? []);
  }

  protected override reset(): void {
    super.reset();
    this.memberMap.clear();
  }

  /** @internal */
  override receive(event: ChannelEvent): void {
    // The server joins the connection to the channel before it reads the member list, so a leave published just
    // before that read can reach us ahead of the result, which already reflects it: a user reloading the page gets
    // the leave of their own old tab, then a list with themselves in it. Such a held leave of someone the list
    // names is stale and dropped. Held joins are applied (a join after the read is not in the list).
    if (this.state === "subscribing" && (event.event === ReservedEvents.memberJoined || event.event === ReservedEvents.memberLeft)) {
      this.beforeSnapshot.add(event);
    }
    super.receive(event);
  }

  protected override dispatchReserved(event: ChannelEvent): boolean {
    if (this.beforeSnapshot.has(event) && event.event === ReservedEvents.memberLeft && this.snapshotIds.has((event.data as MemberLeftData<TInfo>).id)) {
      return true;
    }
    if (event.event === ReservedEvents.memberJoined) {
      const member = event.data as PresenceMember<TInfo>;
      const known = this.memberMap.has(member.id);
      this.memberMap.set(member.id, { id: member.id, info: member.info });
      // The subscription result may already have listed a member whose join was in flight.
      if (!known) {
        this.each(this.joiningListeners, event.event, (listener) => listener({ id: member.id, info: member.info }));
      }
      return true;
    }
    if (event.event === ReservedEvents.memberLeft) {
      const left = event.data as MemberLeftData<TInfo>;
      if (this.memberMap.delete(left.id)) {
        this.each(this.leavingListeners, event.event, (listener) => listener({ id: left.id, info: left.info }, left.reason));
      }
      return true;
    }
    return super.dispatchReserved(event);
  }

  /** @internal */
  override dispose(): void {
    this.hereListeners.clear();
    this.joiningListeners.clear();
    this.leavingListeners.clear();
    super.dispose();
  }

  private replaceMembers(members: readonly PresenceMember[]): void {
    this.memberMap.clear();
    for (const member of members) {
      this.memberMap.set(member.id, { id: member.id, info: member.info as TInfo });
    }
    const snapshot = this.members;
    this.each(this.hereListeners, "here", (listener) => listener(snapshot));
  }
}
