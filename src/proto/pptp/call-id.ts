/**
 * Call ID allocation. Our call id is the key the peer puts in every GRE
 * packet, and the server demultiplexes GRE by (peer address, call id), so a
 * live id must never be handed out twice. Ids are taken in rising order
 * from the last one given (wrapping 65535 -> 1), so a just-released id is
 * not reused at once and late GRE packets of an old call cannot land in a
 * new one. 0 is never allocated. A data-plane worker allocates only in
 * its own range [low, high] (its GRE socket filter passes those ids only).
 */
export class CallIdAllocator {
  private readonly live = new Set<number>();
  private last: number;

  constructor(
    private readonly low = 1,
    private readonly high = 0xffff,
  ) {
    if (!(low >= 1 && low <= high && high <= 0xffff)) throw new RangeError(`call id range ${low}-${high}`);
    this.last = low - 1;
  }

  /**
   * A free id: `preferred` if given and free (the PIX uses the tunnel id as
   * the call id), else the next free one. undefined when every id of the range is live.
   */
  allocate(preferred?: number): number | undefined {
    if (preferred !== undefined && preferred >= this.low && preferred <= this.high && !this.live.has(preferred)) {
      this.live.add(preferred);
      return preferred;
    }
    if (this.live.size >= this.high - this.low + 1) return undefined;
    let id = this.last;
    do {
      id = id >= this.high ? this.low : id + 1;
    } while (this.live.has(id));
    this.last = id;
    this.live.add(id);
    return id;
  }

  release(id: number): void {
    this.live.delete(id);
  }

  isLive(id: number): boolean {
    return this.live.has(id);
  }

  get size(): number {
    return this.live.size;
  }
}
