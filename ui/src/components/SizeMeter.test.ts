import { beforeAll, describe, expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/svelte";
import SizeMeter, { meterBytes } from "./SizeMeter.svelte";
import { FakeBackend } from "../lib/fake-backend";
import { polyfillBlobArrayBuffer } from "../lib/compliance-fake";
import type { Recipients, SizeMeter as Reading } from "../lib/backend";

const TO: Recipients = { kind: "thread", thread_id: 7 };
const VERIZON = 1_310_720;

function reading(over: Partial<Reading> = {}): Reading {
  return {
    budget_bytes: VERIZON,
    carriers_known: true,
    original_total_bytes: 3_400_000,
    planned_total_bytes: Math.round(1.1 * 1024 * 1024),
    parts: [
      { file_name: "damage.png", content_type: "image/png", original_bytes: 3_000_000, planned_bytes: 900_000, action: "downscale" },
      { file_name: "IMG_0001.heic", content_type: "image/heic", original_bytes: 400_000, planned_bytes: 250_000, action: "convert" },
      { file_name: "estimate.pdf", content_type: "application/pdf", original_bytes: 2_000, planned_bytes: 2_000, action: "keep" },
    ],
    refused: null,
    ...over,
  };
}

const photo = () => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "damage.png", { type: "image/png" });

describe("SizeMeter", () => {
  beforeAll(() => polyfillBlobArrayBuffer());

  it("reads sizes the way carriers count them", () => {
    expect(meterBytes(VERIZON)).toBe("1.25 MB");
    expect(meterBytes(Math.round(1.1 * 1024 * 1024))).toBe("1.1 MB");
    expect(meterBytes(2 * 1024 * 1024)).toBe("2 MB");
    expect(meterBytes(250_000)).toBe("244 KB");
    expect(meterBytes(12)).toBe("12 B");
  });

  it("shows the planned size against the budget and what happens to each file", async () => {
    const backend = new FakeBackend();
    backend.meter = reading();
    render(SizeMeter, { backend, to: TO, text: "Rear bumper", files: [photo()], delay: 0 });
    expect((await screen.findByTestId("size-meter-total")).textContent).toBe("1.1 MB of 1.25 MB");
    const bar = screen.getByRole("meter");
    expect(bar.getAttribute("aria-valuemax")).toBe(String(VERIZON));
    expect(bar.getAttribute("aria-valuetext")).toBe("1.1 MB of 1.25 MB");
    const parts = screen.getAllByTestId("size-meter-part").map((li) => li.textContent ?? "");
    expect(parts[0]).toMatch(/damage\.png.*will be downscaled/);
    expect(parts[0]).toContain("→");
    expect(parts[1]).toMatch(/IMG_0001\.heic.*converted to JPEG/);
    expect(parts[2]).toMatch(/estimate\.pdf.*sent as is/);
    expect(screen.queryByTestId("size-meter-refused")).toBeNull();
    expect(screen.queryByTestId("size-meter-carrier-hint")).toBeNull();
    // The engine was asked with the recipients, the text and the file's bytes.
    expect(backend.meterCalls).toHaveLength(1);
    expect(backend.meterCalls[0].to).toEqual(TO);
    expect(backend.meterCalls[0].text).toBe("Rear bumper");
    expect(backend.meterCalls[0].attachments).toEqual([{ file_name: "damage.png", data_base64: "iVBORw==" }]);
  });

  it("says when it sized for the strictest carrier because a carrier is unknown", async () => {
    const backend = new FakeBackend();
    backend.meter = reading({ carriers_known: false });
    render(SizeMeter, { backend, to: TO, files: [photo()], delay: 0 });
    expect((await screen.findByTestId("size-meter-carrier-hint")).textContent).toMatch(
      /Carrier unknown: sized for the strictest carrier/,
    );
  });

  it("turns red with the reason when the message cannot be sent as it is", async () => {
    const backend = new FakeBackend();
    backend.meter = reading({ parts: [], refused: "claim.exe: this type of file is never sent" });
    const readings: (Reading | null)[] = [];
    render(SizeMeter, { backend, to: TO, files: [photo()], delay: 0, onReading: (m: Reading | null) => readings.push(m) });
    const refused = await screen.findByTestId("size-meter-refused");
    expect(refused.getAttribute("role")).toBe("alert");
    expect(refused.textContent).toContain("claim.exe: this type of file is never sent");
    expect(screen.getByTestId("size-meter").classList.contains("over")).toBe(true);
    expect(readings.at(-1)?.refused).toBeTruthy();
  });

  it("shows the backend's refusal of a file (too big to even measure)", async () => {
    const backend = new FakeBackend();
    backend.meterError = { code: "invalid_input", message: "movie.mov is larger than 5 MiB" };
    render(SizeMeter, { backend, to: TO, files: [photo()], delay: 0 });
    expect((await screen.findByTestId("size-meter-refused")).textContent).toContain("movie.mov is larger than 5 MiB");
  });

  it("asks once after a burst of changes, and not at all without files", async () => {
    const backend = new FakeBackend();
    backend.meter = reading();
    const files = [photo()];
    const { rerender } = render(SizeMeter, { backend, to: TO, text: "", files: [], delay: 30 });
    expect(screen.queryByTestId("size-meter")).toBeNull();
    await rerender({ files, text: "R" });
    await rerender({ text: "Re" });
    await rerender({ text: "Rear", to: { kind: "thread", thread_id: 7 } });
    await screen.findByTestId("size-meter-total");
    await new Promise((r) => setTimeout(r, 60));
    expect(backend.meterCalls.map((c) => c.text)).toEqual(["Rear"]);
    await rerender({ files: [] });
    expect(screen.queryByTestId("size-meter")).toBeNull();
    await new Promise((r) => setTimeout(r, 60));
    expect(backend.meterCalls).toHaveLength(1);
  });

  it("ignores an answer a newer question overtook", async () => {
    const backend = new FakeBackend();
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => (release = r));
    const answers = [reading({ planned_total_bytes: 100_000 }), reading({ planned_total_bytes: 200_000 })];
    let n = 0;
    backend.sizeMeter = async () => {
      const mine = n++;
      if (mine === 0) await slow;
      return { status: "ok", data: answers[mine] };
    };
    const { rerender } = render(SizeMeter, { backend, to: TO, text: "a", files: [photo()], delay: 0 });
    await waitFor(() => expect(n).toBe(1));
    await rerender({ text: "ab" });
    await waitFor(() => expect(screen.getByTestId("size-meter-total").textContent).toBe("195 KB of 1.25 MB"));
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(screen.getByTestId("size-meter-total").textContent).toBe("195 KB of 1.25 MB");
  });
});
