/** A bounded set of recently sent message IDs, to recognise the server's echo of our own sends. */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 1000) {}

  /** Remember `id`, forgetting the oldest when full. */
  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next();
      if (!oldest.done) this.ids.delete(oldest.value);
    }
  }

  /** Whether `id` was sent recently. */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Forget `id` (its send failed, so no echo will come). */
  delete(id: string): void {
    this.ids.delete(id);
  }
}
