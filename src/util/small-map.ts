/**
 * A Map for what usually holds one entry (the calls of a PPTP tunnel: a
 * PIX tunnel carries one): the first entry lives in two fields, a real Map
 * is made only for a second. A Map costs about 180 octets even with one
 * entry (its hash table starts with room for four); this about 50
 * (bench/sessions.bench.ts: two per session). Insertion order is kept, as
 * a Map keeps it. Only the Map methods its users need.
 */
export class SmallMap<K, V> {
  private key: K | undefined;
  private value: V | undefined;
  private one = false;
  private map: Map<K, V> | undefined;

  get size(): number {
    return this.map ? this.map.size : this.one ? 1 : 0;
  }

  get(k: K): V | undefined {
    if (this.map) return this.map.get(k);
    return this.one && this.key === k ? this.value : undefined;
  }

  has(k: K): boolean {
    if (this.map) return this.map.has(k);
    return this.one && this.key === k;
  }

  set(k: K, v: V): this {
    if (this.map) {
      this.map.set(k, v);
    } else if (!this.one || this.key === k) {
      this.key = k;
      this.value = v;
      this.one = true;
    } else {
      this.map = new Map([
        [this.key as K, this.value as V],
        [k, v],
      ]);
      this.key = this.value = undefined;
      this.one = false;
    }
    return this;
  }

  delete(k: K): boolean {
    if (this.map) return this.map.delete(k);
    if (!this.one || this.key !== k) return false;
    this.key = this.value = undefined;
    this.one = false;
    return true;
  }

  clear(): void {
    this.map = undefined;
    this.key = this.value = undefined;
    this.one = false;
  }

  /** Each value, in insertion order, with no iterator (show vpdn walks every tunnel's calls). */
  forEach(fn: (v: V, k: K) => void): void {
    if (this.map) this.map.forEach(fn);
    else if (this.one) fn(this.value as V, this.key as K);
  }

  *keys(): IterableIterator<K> {
    if (this.map) yield* this.map.keys();
    else if (this.one) yield this.key as K;
  }

  *values(): IterableIterator<V> {
    if (this.map) yield* this.map.values();
    else if (this.one) yield this.value as V;
  }

  *entries(): IterableIterator<[K, V]> {
    if (this.map) yield* this.map.entries();
    else if (this.one) yield [this.key as K, this.value as V];
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
}
