/**
 * A bounded window of recently seen event ids, for deduplication that survives continue-as-new.
 * Ids are kept as 64-bit FNV-1a hashes (16 hex chars) so 10,000 of them stay small in the
 * continue-as-new payload whatever the ids' length; a false "duplicate" needs a 64-bit collision.
 */

export const DEFAULT_SEEN_WINDOW = 10_000;

export function eventIdHash(id: string): string {
  // Two independent 32-bit FNV-1a passes (different offset bases) make one 64-bit fingerprint.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193) >>> 0;
    h2 = (h2 ^ (h2 >>> 15)) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

export class SeenIds {
  private readonly order: string[];
  private readonly set: Set<string>;

  constructor(
    hashes: string[] = [],
    private readonly limit = DEFAULT_SEEN_WINDOW,
  ) {
    this.order = hashes.slice(-limit);
    this.set = new Set(this.order);
  }

  has(id: string): boolean {
    return this.set.has(eventIdHash(id));
  }

  /** Records the id; the oldest falls out once the window is full. */
  add(id: string): void {
    const hash = eventIdHash(id);
    if (this.set.has(hash)) return;
    this.order.push(hash);
    this.set.add(hash);
    while (this.order.length > this.limit) this.set.delete(this.order.shift()!);
  }

  toJSON(): string[] {
    return [...this.order];
  }
}
