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
