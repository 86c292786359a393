type Waiting<I, O> = { item: I; resolve: (out: O) => void; reject: (err: unknown) => void };

/**
 * Sends calls in batches, one batch at a time: calls made while a batch is on its way (or in the
 * same turn of the event loop) go together in the next one. Many projects approved, started or
 * finished at once then cost a few statements, not one each, and the calls stay in order.
 * `send` answers each item of a batch in order; a failed batch fails each of its calls.
 * `apart` keeps an item out of a batch that already has one like it (it goes in the next).
 */
export class Gather<I, O> {
  private waiting: Array<Waiting<I, O>> = [];
  private sending = false;

  constructor(
    private readonly send: (items: I[]) => Promise<O[]>,
    private readonly apart: (item: I, batch: I[]) => boolean = () => false,
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.sending) return;
      this.sending = true;
      queueMicrotask(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch: Array<Waiting<I, O>> = [];
      const items: I[] = [];
      while (this.waiting.length > 0 && (items.length === 0 || !this.apart(this.waiting[0]!.item, items))) {
        const next = this.waiting.shift()!;
        batch.push(next);
        items.push(next.item);
      }
      try {
        const out = await this.send(items);
        batch.forEach((w, i) => w.resolve(out[i]!));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.sending = false;
  }
}
