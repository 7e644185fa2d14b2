import { describe, expect, it } from "vitest";
import { indexAt, RowHeights, windowRange } from "./virtual-window";

const keys = (n: number, prefix = "r") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function rows(n: number, height = 50): RowHeights {
  const r = new RowHeights();
  r.setRows(keys(n), () => height);
  return r;
}

describe("indexAt and windowRange", () => {
  const offsets = [0, 10, 30, 60, 100]; // four rows: 10, 20, 30, 40 tall

  it("finds the row under a point", () => {
    expect(indexAt(offsets, 4, 0)).toBe(0);
    expect(indexAt(offsets, 4, 9.9)).toBe(0);
    expect(indexAt(offsets, 4, 10)).toBe(1);
    expect(indexAt(offsets, 4, 59)).toBe(2);
    expect(indexAt(offsets, 4, 99)).toBe(3);
    expect(indexAt(offsets, 4, 500)).toBe(3);
    expect(indexAt(offsets, 4, -5)).toBe(0);
    expect(indexAt([0], 0, 5)).toBe(0);
  });

  it("renders the rows overlapping the viewport and overscan, and sizes the space around them", () => {
    expect(windowRange(offsets, 4, 15, 20, 0)).toEqual({ start: 1, end: 3, before: 10, after: 40 });
    // A row starting exactly at the bottom edge is not visible.
    expect(windowRange(offsets, 4, 10, 20, 0)).toEqual({ start: 1, end: 2, before: 10, after: 70 });
    expect(windowRange(offsets, 4, 15, 20, 100)).toEqual({ start: 0, end: 4, before: 0, after: 0 });
    expect(windowRange([0], 0, 0, 100, 10)).toEqual({ start: 0, end: 0, before: 0, after: 0 });
  });

  it("always renders at least one row, even scrolled past the end", () => {
    expect(windowRange(offsets, 4, 1000, 20, 0)).toEqual({ start: 3, end: 4, before: 60, after: 0 });
  });
});

describe("RowHeights", () => {
  it("uses estimates until rows are measured, then the measured heights", () => {
    const r = rows(100);
    expect(r.total).toBe(5000);
    expect(r.range(1000, 200, 0)).toEqual({ start: 20, end: 24, before: 1000, after: 3800 });
    expect(r.measure("r0", 80)).toBe(true);
    expect(r.measure("r0", 80)).toBe(false);
    expect(r.measure("gone", 80)).toBe(false);
    expect(r.total).toBe(5030);
    expect(r.top(1)).toBe(80);
    expect(r.isMeasured("r0")).toBe(true);
    expect(r.isMeasured("r1")).toBe(false);
    // A measurement equal to the estimate changes nothing, but counts as measured.
    expect(r.measure("r1", 50)).toBe(false);
    expect(r.isMeasured("r1")).toBe(true);
    expect(r.averageMeasured(10)).toBe(65);
  });

  it("renders a bounded number of rows however long the list", () => {
    const r = new RowHeights();
    r.setRows(keys(100_000), (i) => 40 + (i % 7) * 10);
    const top = r.total / 2;
    const range = r.range(top, 800, 800);
    expect(range.end - range.start).toBeLessThan(100);
    expect(range.before + (r.offsets[range.end] - r.offsets[range.start]) + range.after).toBeCloseTo(r.total);
  });

  it("keeps measured heights and estimates by key when the rows change", () => {
    const r = rows(3);
    r.measure("r1", 120);
    // Rows seen before keep their estimates; new ones are estimated.
    let asked = 0;
    r.setRows(["new", "r0", "r1", "r2"], () => (asked++, 10));
    expect(asked).toBe(1);
    expect(r.height(0)).toBe(10);
    expect(r.height(1)).toBe(50);
    expect(r.height(2)).toBe(120);
    // Unless the estimates are to be made afresh (the width changed); measurements stand.
    r.setRows(["new", "r0", "r1", "r2"], () => 20, true);
    expect(r.height(1)).toBe(20);
    expect(r.height(2)).toBe(120);
    // A row that leaves and comes back (its author line came and went) keeps its height.
    r.setRows(["r0", "r2"], () => 30);
    r.setRows(["r0", "r1", "r2"], () => 30);
    expect(r.height(1)).toBe(120);
  });

  it("forgets the heights of rows that left once they outnumber the rows present", () => {
    const r = rows(3000);
    for (let i = 0; i < 3000; i++) r.measure(`r${i}`, 40);
    r.setRows(["a", "b"], () => 10);
    expect(r.isMeasured("r5")).toBe(false);
    expect(r.total).toBe(20);
  });

  it("finds rows by key, in and outside the rendered range", () => {
    const r = rows(1000);
    r.range(25_000, 500, 0);
    expect(r.indexOf("r505")).toBe(505);
    expect(r.indexOf("r3")).toBe(3);
    expect(r.indexOf("nope")).toBe(-1);
    r.setRows(["x", ...keys(1000)], () => 50);
    expect(r.indexOf("r505")).toBe(506);
  });

  it("holds the anchored row in place when a page is prepended above it", () => {
    const r = rows(50);
    // The viewport starts 20 px into row 30.
    const anchor = r.anchorAt(30 * 50 + 20)!;
    expect(anchor).toEqual({ key: "r30", offset: 20 });
    // Fifty older rows arrive above, estimated at 60 px each.
    r.setRows([...keys(50, "old"), ...keys(50)], () => 60);
    expect(r.positionOf(anchor, 400)).toBe(50 * 60 + 30 * 50 + 20);
    // They render and measure taller: the anchor follows.
    r.measure("old49", 100);
    expect(r.positionOf(anchor, 400)).toBe(50 * 60 + 40 + 30 * 50 + 20);
    // Rows below the anchor changing height do not move it.
    r.measure("r40", 500);
    expect(r.positionOf(anchor, 400)).toBe(50 * 60 + 40 + 30 * 50 + 20);
  });

  it("centres a row and keeps it centred as it is measured", () => {
    const r = rows(20);
    const anchor = RowHeights.centred("r10");
    expect(r.positionOf(anchor, 300)).toBe(500 + 25 - 150);
    r.measure("r10", 150);
    r.measure("r0", 100);
    expect(r.positionOf(anchor, 300)).toBe(550 + 75 - 150);
    expect(r.positionOf({ key: "nope", offset: 0 }, 300)).toBeNull();
  });

  it("answers no anchor for an empty list", () => {
    expect(new RowHeights().anchorAt(0)).toBeNull();
  });

  it("scrolls the least to reveal a row", () => {
    const r = rows(20); // rows 50 px, viewport 200 px
    expect(r.reveal(5, 0, 200)).toBe(100); // below -> its bottom at the bottom edge
    expect(r.reveal(5, 250, 200)).toBe(250); // already visible
    expect(r.reveal(2, 250, 200)).toBe(100); // above -> top edge
    r.measure("r3", 500);
    expect(r.reveal(3, 0, 200)).toBe(150); // taller than the viewport -> its top
  });
});
