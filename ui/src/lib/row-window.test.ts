import { describe, expect, it } from "vitest";
import { RowWindow } from "./row-window.svelte";

/** A scroller at `top` showing 500 px of `height`. */
const scroller = (top: number, height: number) =>
  ({ scrollTop: top, scrollHeight: height, clientHeight: 500 }) as unknown as HTMLElement;

describe("RowWindow.movedByUser", () => {
  const win = new RowWindow(100);

  it("takes any other offset than the one last known for the user's scroll", () => {
    expect(win.movedByUser(scroller(1000, 5000), 1000)).toBe(false);
    expect(win.movedByUser(scroller(1000.4, 5000), 1000)).toBe(false);
    expect(win.movedByUser(scroller(700, 5000), 1000)).toBe(true);
    expect(win.movedByUser(scroller(4500, 5000), 1000)).toBe(true);
  });

  it("does not take the browser clamping the offset to shorter content for a scroll", () => {
    // At 4500 of 5000, the rows measured 300 px shorter than estimated: the browser moved
    // the offset to the new bottom, 4200.
    expect(win.movedByUser(scroller(4200, 4700), 4500)).toBe(false);
    // The same content, but the user scrolled up from the bottom: that is theirs.
    expect(win.movedByUser(scroller(3000, 4700), 4500)).toBe(true);
  });
});
