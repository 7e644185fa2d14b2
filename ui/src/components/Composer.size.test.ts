import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import Composer from "./Composer.svelte";
import { clearDrafts } from "../lib/drafts";
import { FakeBackend } from "../lib/fake-backend";
import { polyfillBlobArrayBuffer } from "../lib/compliance-fake";

describe("Composer size meter", () => {
  beforeAll(() => polyfillBlobArrayBuffer());
  beforeEach(() => clearDrafts());

  function setup(backend: FakeBackend) {
    const sent: string[] = [];
    render(Composer, {
      draftKey: "thread-12",
      backend,
      to: { kind: "thread", thread_id: 12 },
      group: true,
      onSend: async (text: string) => {
        sent.push(text);
        return null;
      },
    });
    const picker = screen.getByTestId("file-input") as HTMLInputElement;
    const attach = async (...files: File[]) => {
      Object.defineProperty(picker, "files", { value: files, configurable: true });
      await fireEvent.change(picker);
    };
    const input = screen.getByTestId("composer-input") as HTMLTextAreaElement;
    const button = screen.getByTestId("composer-send") as HTMLButtonElement;
    return { sent, attach, input, button };
  }

  const photo = () => new File([new Uint8Array([1, 2, 3])], "bumper.jpg", { type: "image/jpeg" });

  it("appears with attachments, measured for the conversation, and goes with them", async () => {
    const backend = new FakeBackend();
    backend.meter = {
      budget_bytes: 1_310_720,
      carriers_known: false,
      original_total_bytes: 3_000_000,
      planned_total_bytes: 1_153_434,
      parts: [{ file_name: "bumper.jpg", content_type: "image/jpeg", original_bytes: 3_000_000, planned_bytes: 1_153_000, action: "downscale" }],
      refused: null,
    };
    const { attach, input } = setup(backend);
    expect(screen.queryByTestId("size-meter")).toBeNull();
    await attach(photo());
    expect((await screen.findByTestId("size-meter-total")).textContent).toBe("1.1 MB of 1.25 MB");
    expect(screen.getByTestId("size-meter-part").textContent).toMatch(/will be downscaled/);
    expect(screen.getByTestId("size-meter-carrier-hint")).toBeTruthy();
    expect(backend.meterCalls.at(-1)?.to).toEqual({ kind: "thread", thread_id: 12 });

    // The text counts too: typing asks again (once, after the typing stops).
    const before = backend.meterCalls.length;
    await fireEvent.input(input, { target: { value: "Rear" } });
    await fireEvent.input(input, { target: { value: "Rear bumper" } });
    await waitFor(() => expect(backend.meterCalls.length).toBe(before + 1), { timeout: 2000 });
    expect(backend.meterCalls.at(-1)?.text).toBe("Rear bumper");

    await fireEvent.click(screen.getByRole("button", { name: "Remove bumper.jpg" }));
    expect(screen.queryByTestId("size-meter")).toBeNull();
  });

  it("holds Send with the reason while the message cannot be sent as it is", async () => {
    const backend = new FakeBackend();
    backend.meter = { ...backend.meter, refused: "claim.exe: Groupline never sends this type of file" };
    const { attach, input, button, sent } = setup(backend);
    await attach(new File(["MZ"], "claim.exe"));
    await fireEvent.input(input, { target: { value: "See attached" } });
    expect((await screen.findByTestId("size-meter-refused")).textContent).toMatch(/never sends this type/);
    expect(button.disabled).toBe(true);
    expect(button.title).toMatch(/never sends this type/);
    await fireEvent.keyDown(input, { key: "Enter" });
    expect(sent).toHaveLength(0);
  });
});
