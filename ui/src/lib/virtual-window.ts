// Windowing for long lists (the conversation, the conversation list): only the rows in and
// near the viewport are in the DOM; the others are space above and below them. Rows may
// differ in height: a row's height is what was measured the last time it was rendered, or
// an estimate until then. Positions are kept by an anchor (a row and how far the viewport
// starts into it) rather than by a scroll offset, so rows added above, or rows above
// measuring taller or shorter than estimated, do not move what the user is looking at.
//
// Pure bookkeeping, no DOM: the component measures (ResizeObserver), scrolls, and asks
// this module which rows to render and where a row now is.

/** The rows to render, [start, end), and the space the rows outside them take. */
export type Range = { start: number; end: number; before: number; after: number };

/**
 * What stays put on screen: the viewport starts `offset` pixels below the top of row
 * `key`; with `center`, the row's middle sits `offset` pixels below the viewport's middle.
 */
export type Anchor = { key: string; offset: number; center?: boolean };

/** The index of the row at `y` (offsets are the rows' tops, then the total). */
export function indexAt(offsets: ArrayLike<number>, count: number, y: number): number {
  if (count === 0) return 0;
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The rows that overlap [viewTop - overscan, viewTop + viewHeight + overscan], given the
 * rows' tops (`offsets[i]`, with the total height at `offsets[count]`).
 */
export function windowRange(
  offsets: ArrayLike<number>,
  count: number,
  viewTop: number,
  viewHeight: number,
  overscan: number,
): Range {
  const total = count > 0 ? offsets[count] : 0;
  if (count === 0) return { start: 0, end: 0, before: 0, after: 0 };
  const from = Math.max(0, viewTop - overscan);
  const to = Math.min(total, viewTop + viewHeight + overscan);
  const start = Math.min(indexAt(offsets, count, from), count - 1);
  let end = indexAt(offsets, count, to) + 1;
  // A row that starts exactly at `to` is outside.
  if (end - 1 > start && offsets[end - 1] >= to) end -= 1;
  end = Math.max(start + 1, Math.min(count, end));
  return { start, end, before: offsets[start], after: total - offsets[end] };
}

/** The rows of one list: their keys, measured heights, estimates, and the offsets. */
export class RowHeights {
  #keys: readonly string[] = [];
  /** Row index by key, built when first needed after the rows change. */
  #index: Map<string, number> | null = null;
  /** Each row's height: measured, else estimated. */
  #sizes = new Float64Array(0);
  #measured = new Map<string, number>();
  /** Estimates by key, so rows already seen are not estimated again. */
  #estimated = new Map<string, number>();
  #offsets = new Float64Array(1);
  #dirty = false;
  /** The rows last asked for, searched first for a key (they are the ones rendered). */
  #window = { start: 0, end: 0 };

  /**
   * The rows, top to bottom, by a key that names each row for as long as its content (and
   * so its height) stays the same; `estimate(i)` guesses the height of row i until it is
   * measured. Only rows not seen before are estimated (a page added to a long list costs
   * its own rows), unless `fresh` (the estimates' basis changed, e.g. the width). Heights
   * known for keys no longer present are kept for a while (such a row may come back) and
   * forgotten once they outnumber the present ones.
   */
  setRows(keys: readonly string[], estimate: (i: number) => number, fresh = false) {
    this.#keys = keys;
    this.#index = null;
    if (fresh) this.#estimated.clear();
    const sizes = new Float64Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      let h = this.#measured.get(k);
      if (h === undefined) {
        h = this.#estimated.get(k);
        if (h === undefined) {
          h = estimate(i);
          this.#estimated.set(k, h);
        }
      }
      sizes[i] = h;
    }
    this.#sizes = sizes;
    if (this.#measured.size + this.#estimated.size > 2 * keys.length + 1000) {
      const present = new Set(keys);
      for (const map of [this.#measured, this.#estimated]) {
        for (const k of map.keys()) if (!present.has(k)) map.delete(k);
      }
    }
    this.#dirty = true;
  }

  /** Records a row's rendered height; answers whether it changed (the offsets moved). */
  measure(key: string, height: number): boolean {
    const i = this.indexOf(key);
    if (i < 0) return false;
    this.#measured.set(key, height);
    if (Math.abs(this.#sizes[i] - height) < 0.01) return false;
    this.#sizes[i] = height;
    this.#dirty = true;
    return true;
  }

  /** Whether this row has been measured. */
  isMeasured(key: string): boolean {
    return this.#measured.has(key);
  }

  /** How many rows have been measured (a typical height for new estimates). */
  averageMeasured(fallback: number): number {
    if (this.#measured.size === 0) return fallback;
    let sum = 0;
    for (const h of this.#measured.values()) sum += h;
    return sum / this.#measured.size;
  }

  get count(): number {
    return this.#keys.length;
  }

  get keys(): readonly string[] {
    return this.#keys;
  }

  /** The rows' tops, then the total height (length count + 1). */
  get offsets(): Float64Array {
    if (this.#dirty) {
      const n = this.#keys.length;
      const out = this.#offsets.length === n + 1 ? this.#offsets : new Float64Array(n + 1);
      const sizes = this.#sizes;
      for (let i = 0; i < n; i++) out[i + 1] = out[i] + sizes[i];
      this.#offsets = out;
      this.#dirty = false;
    }
    return this.#offsets;
  }

  get total(): number {
    return this.offsets[this.#keys.length];
  }

  indexOf(key: string): number {
    const keys = this.#keys;
    const { start, end } = this.#window;
    for (let i = start; i < end && i < keys.length; i++) if (keys[i] === key) return i;
    if (!this.#index) {
      this.#index = new Map();
      for (let i = 0; i < keys.length; i++) this.#index.set(keys[i], i);
    }
    return this.#index.get(key) ?? -1;
  }

  top(i: number): number {
    return this.offsets[i];
  }

  height(i: number): number {
    const o = this.offsets;
    return o[i + 1] - o[i];
  }

  range(viewTop: number, viewHeight: number, overscan: number): Range {
    const r = windowRange(this.offsets, this.count, viewTop, viewHeight, overscan);
    this.#window = { start: r.start, end: r.end };
    return r;
  }

  /** The anchor for a viewport starting at `viewTop`: the row there and how far into it. */
  anchorAt(viewTop: number): Anchor | null {
    if (this.count === 0) return null;
    const i = indexAt(this.offsets, this.count, Math.max(0, viewTop));
    return { key: this.#keys[i], offset: viewTop - this.top(i) };
  }

  /** An anchor that keeps row `key` in the middle of the viewport. */
  static centred(key: string): Anchor {
    return { key, offset: 0, center: true };
  }

  /** Where the viewport must start for `anchor` to hold; null when its row is gone. */
  positionOf(anchor: Anchor, viewHeight: number): number | null {
    const i = this.indexOf(anchor.key);
    if (i < 0) return null;
    if (anchor.center) return this.top(i) + this.height(i) / 2 - viewHeight / 2 + anchor.offset;
    return this.top(i) + anchor.offset;
  }

  /**
   * The smallest move of a viewport at `viewTop` that shows row i whole (or its top, when
   * it is taller than the viewport); `viewTop` itself when it already does.
   */
  reveal(i: number, viewTop: number, viewHeight: number): number {
    const top = this.top(i);
    const bottom = top + this.height(i);
    if (top < viewTop || bottom - top > viewHeight) return top;
    if (bottom > viewTop + viewHeight) return bottom - viewHeight;
    return viewTop;
  }
}
