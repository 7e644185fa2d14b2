// The DOM side of windowing that the conversation view and the conversation list share:
// measuring rendered rows as they change size, following the viewport's height, choosing
// the rows to render, and keeping focus off rows that leave the window. Scrolling and
// anchoring stay in each component, since they differ: the view follows the newest message
// at its bottom, the list holds its top. The bookkeeping itself is virtual-window.ts.
import { RowHeights, type Range } from "./virtual-window";

/** A viewport no bigger than 0 (not laid out yet, or a test's DOM) is taken as this. */
const UNLAID_VIEWPORT = 800;

export class RowWindow {
  readonly heights = new RowHeights();
  /** Bumped whenever a measurement moved the rows' offsets. */
  measured = $state(0);
  /** The viewport's top, in the list's own coordinates. */
  viewTop = $state(0);
  viewHeight = $state(0);
  #observer: ResizeObserver | null;
  #lastRange: Range = { start: 0, end: 0, before: 0, after: 0 };

  /** `overscan`: rows this far above and below the viewport are rendered too. */
  constructor(readonly overscan: number) {
    this.#observer =
      typeof ResizeObserver === "undefined"
        ? null
        : new ResizeObserver((entries) => {
            let changed = false;
            for (const e of entries) {
              if (this.record(e.target, e.borderBoxSize?.[0]?.blockSize)) changed = true;
            }
            if (changed) this.measured++;
          });
  }

  viewport(): number {
    return this.viewHeight > 0 ? this.viewHeight : UNLAID_VIEWPORT;
  }

  /**
   * The rows to render around the viewport: the same object while the same rows show, so
   * scrolling within them re-renders nothing. Call it from a `$derived` that also reads the
   * rows, so a new list of rows recomputes it.
   */
  range(): Range {
    void this.measured;
    const r = this.heights.range(this.viewTop, this.viewport(), this.overscan);
    const l = this.#lastRange;
    if (r.start === l.start && r.end === l.end && r.before === l.before && r.after === l.after) return l;
    this.#lastRange = r;
    return r;
  }

  /**
   * Notes a row's rendered height; answers whether that moved the offsets. Zero means not
   * laid out (a hidden pane, a test's DOM): the estimate stands.
   */
  record(el: Element, height = el.getBoundingClientRect().height): boolean {
    const key = (el as HTMLElement).dataset.vkey;
    return key !== undefined && height > 0 && this.heights.measure(key, height);
  }

  /** A Svelte action: measures a rendered row now and whenever it changes size (an image loading). */
  measure = (el: HTMLElement) => {
    this.#observer?.observe(el);
    return {
      destroy: () => this.#observer?.unobserve(el),
    };
  };

  /** Measures the rows of `list` rendered for the first time; answers whether offsets moved. */
  measureNew(list: Element): boolean {
    let changed = false;
    for (const el of list.children) {
      const key = (el as HTMLElement).dataset.vkey;
      if (key !== undefined && !this.heights.isMeasured(key) && this.record(el)) changed = true;
    }
    return changed;
  }

  /**
   * Follows `scroller`'s height (the window resized, the composer grew); `also` runs on each
   * change. Answers the cleanup, for an `$effect` to return.
   */
  followViewport(scroller: HTMLElement, also?: () => void): () => void {
    if (typeof ResizeObserver === "undefined") return () => {};
    const ro = new ResizeObserver(() => {
      this.viewHeight = scroller.clientHeight;
      also?.();
    });
    ro.observe(scroller);
    return () => ro.disconnect();
  }

  /**
   * A focused row outside `range` is about to be removed: focus moves to `scroller` rather
   * than falling to the page. Call before the DOM updates (`$effect.pre`).
   */
  keepFocus(range: Range, list: HTMLElement | undefined, scroller: HTMLElement | undefined) {
    const active = document.activeElement as HTMLElement | null;
    const key = active?.closest?.<HTMLElement>("[data-vkey]")?.dataset.vkey;
    if (!key || !list?.contains(active)) return;
    const i = this.heights.indexOf(key);
    if (i < range.start || i >= range.end) scroller?.focus({ preventScroll: true });
  }

  /**
   * Whether `scroller` moved from `known` (the offset last seen or set) because the user
   * scrolled. The browser also moves it when the content gets shorter than the offset
   * (rows measured smaller than estimated): that clamp is not the user's, and taking it
   * for a scroll would drop what the view holds (a search hit it opened at).
   */
  movedByUser(scroller: HTMLElement, known: number): boolean {
    const top = scroller.scrollTop;
    if (Math.abs(top - known) < 1) return false;
    const max = scroller.scrollHeight - scroller.clientHeight;
    return !(known > max && Math.abs(top - max) < 1);
  }

  disconnect() {
    this.#observer?.disconnect();
  }
}
