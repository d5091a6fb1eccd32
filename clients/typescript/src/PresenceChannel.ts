import { ChannelError } from "./ChannelError.js";
import { PrivateChannel } from "./PrivateChannel.js";
import { HubMethods, ReservedEvents, type ChannelEvent, type MembersPage, type MemberLeftData, type PresenceMember, type SubscribeResult } from "./protocol.js";
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
  /** Per member list being read page by page: the newest join (the member) or leave (null) seen per id meanwhile. */
  private readonly journals = new Set<Map<string, PresenceMember | null>>();
  /** Bumped by each (re)subscription and reset, so a member list still being read for an older one is dropped. */
  private generation = 0;

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

  /** Asks the server for the member list (page by page), replaces `members` with it and calls the `here` listeners. */
  async fetchMembers(): Promise<readonly PresenceMember<TInfo>[]> {
    let members: PresenceMember[];
    try {
      members = await this.readPages([], null);
    } catch (error) {
      throw ChannelError.from(error, this.name);
    }
    this.replaceMembers(members);
    return this.members;
  }

  protected override applySubscription(result: SubscribeResult): void {
    super.applySubscription(result);
    const generation = ++this.generation;
    const first = result.members ?? [];
    this.snapshotIds = new Set(first.map((m) => m.id));
    const after = result.membersNext ?? null;
    if (after === null) {
      this.replaceMembers(first);
      return;
    }
    // A long list comes a page at a time: show the first page now, call `here` once the rest is read.
    this.setMembers(first);
    this.readPages(first, after).then(
      (members) => {
        if (generation === this.generation) {
          this.replaceMembers(members);
        }
      },
      // The connection went away mid-read: its resubscription reads the list again.
      () => undefined,
    );
  }

  protected override reset(): void {
    super.reset();
    this.generation++;
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
    if (event.event === ReservedEvents.memberJoined || event.event === ReservedEvents.memberLeft) {
      this.journal(event);
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
    this.setMembers(members);
    const snapshot = this.members;
    this.each(this.hereListeners, "here", (listener) => listener(snapshot));
  }

  private setMembers(members: readonly PresenceMember[]): void {
    this.memberMap.clear();
    for (const member of members) {
      this.memberMap.set(member.id, { id: member.id, info: member.info as TInfo });
    }
  }

  private journal(event: ChannelEvent): void {
    const data = event.data as PresenceMember | MemberLeftData;
    for (const journal of this.journals) {
      journal.set(data.id, event.event === ReservedEvents.memberJoined ? { id: data.id, info: data.info } : null);
    }
  }

  /**
   * Reads the member pages after `after` (from the first when null) onto `first`, then applies the joins and leaves
   * received meanwhile: a page may predate them, and a member who left must not come back from an older page.
   */
  private async readPages(first: readonly PresenceMember[], after: string | null): Promise<PresenceMember[]> {
    const journal = new Map<string, PresenceMember | null>();
    this.journals.add(journal);
    try {
      const members = new Map(first.map((m) => [m.id, m]));
      let next = after;
      do {
        const page = await this.host.invoke<MembersPage>(HubMethods.getMembersPage, this.name, { after: next, limit: null });
        for (const member of page.members) {
          members.set(member.id, member);
        }
        next = page.next ?? null;
      } while (next !== null);
      for (const [id, member] of journal) {
        if (member === null) {
          members.delete(id);
        } else {
          members.set(id, member);
        }
      }
      return [...members.values()];
    } finally {
      this.journals.delete(journal);
    }
  }
}
