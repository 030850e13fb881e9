// A cache bounded by bytes: the least recently used entries go first (peaks chunks, tiles).

export class ByteLru<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private total = 0;

  constructor(
    readonly maxBytes: number,
    private readonly onEvict: (value: V) => void = () => {},
  ) {}

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The value, marked as used just now. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, bytes: number): void {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.total -= old.bytes;
      if (old.value !== value) this.onEvict(old.value);
    }
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    // Map iteration is insertion order: the first keys are the least recently used.
    for (const [k, entry] of this.entries) {
      if (this.total <= this.maxBytes || k === key) break;
      this.entries.delete(k);
      this.total -= entry.bytes;
      this.onEvict(entry.value);
    }
  }

  clear(): void {
    for (const entry of this.entries.values()) this.onEvict(entry.value);
    this.entries.clear();
    this.total = 0;
  }
}
