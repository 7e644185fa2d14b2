// jsdom lays nothing out: every element is 0 px tall and nothing scrolls. This gives one
// scroller a viewport, a scroll height, and a scrollTop that clamps the way a browser's
// does, so a windowed view's scrolling can be tested. Only tests import it.

export function fakeScroller(el: HTMLElement, { clientHeight = 600, scrollHeight = 1_000_000 } = {}) {
  let top = 0;
  Object.defineProperty(el, "clientHeight", { configurable: true, get: () => clientHeight });
  Object.defineProperty(el, "scrollHeight", { configurable: true, get: () => scrollHeight });
  Object.defineProperty(el, "scrollTop", {
    configurable: true,
    get: () => top,
    set: (v: number) => {
      top = Math.max(0, Math.min(v, scrollHeight - clientHeight));
    },
  });
  return {
    /** Scrolls as the user would: the position, then a scroll event. */
    scrollTo(y: number) {
      el.scrollTop = y;
      el.dispatchEvent(new Event("scroll"));
    },
  };
}

/**
 * A ResizeObserver a test drives: `resize(el, height)` reports a new border-box height
 * for an observed element, as the browser would after an image or a video's frame loads.
 * Install before rendering the component; `restore()` puts the original back.
 */
export function fakeResizeObserver() {
  const observers = new Set<{ callback: ResizeObserverCallback; targets: Set<Element>; self: ResizeObserver }>();
  const original = globalThis.ResizeObserver;
  class Fake {
    #entry: { callback: ResizeObserverCallback; targets: Set<Element>; self: ResizeObserver };
    constructor(callback: ResizeObserverCallback) {
      this.#entry = { callback, targets: new Set(), self: this as unknown as ResizeObserver };
      observers.add(this.#entry);
    }
    observe(el: Element) {
      this.#entry.targets.add(el);
    }
    unobserve(el: Element) {
      this.#entry.targets.delete(el);
    }
    disconnect() {
      this.#entry.targets.clear();
      observers.delete(this.#entry);
    }
  }
  globalThis.ResizeObserver = Fake as unknown as typeof ResizeObserver;
  return {
    resize(el: Element, height: number) {
      for (const o of observers) {
        if (!o.targets.has(el)) continue;
        const entry = { target: el, borderBoxSize: [{ blockSize: height, inlineSize: 0 }] };
        o.callback([entry as unknown as ResizeObserverEntry], o.self);
      }
    },
    restore() {
      globalThis.ResizeObserver = original;
    },
  };
}
