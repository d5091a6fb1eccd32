/**
 * The ids of the latest events of a channel that carried one (queued events), so a repeat of one —
 * a queue worker's retry, or a takeover after a node crashed mid-send — is delivered only once.
 * Events with an offset are deduplicated by offset instead; this covers channels without history.
 */
export class RecentIds {
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];
  private head = 0;

  constructor(private readonly capacity = 1000) {}

  /** True when the id is new (and now remembered); false for a repeat. */
  add(id: string): boolean {
    if (this.seen.has(id)) {
      return false;
    }
    this.seen.add(id);
    if (this.order.length < this.capacity) {
      this.order.push(id);
    } else {
      this.seen.delete(this.order[this.head]!);
      this.order[this.head] = id;
      this.head = (this.head + 1) % this.capacity;
    }
    return true;
  }
}
