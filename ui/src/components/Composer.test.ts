import { beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import Composer from "./Composer.svelte";
import { clearDrafts } from "../lib/drafts";
import type { IpcError } from "../lib/backend";

function setup(draftKey = "thread-1", result: IpcError | null = null) {
  const sent: { text: string; files: File[] }[] = [];
  render(Composer, {
    draftKey,
    onSend: async (text: string, files: File[]) => {
      sent.push({ text, files });
      return result;
    },
  });
  const input = screen.getByTestId("composer-input") as HTMLTextAreaElement;
  return { sent, input };
}

describe("Composer", () => {
  beforeEach(() => clearDrafts());

  it("sends on Enter and clears; Shift+Enter does not send", async () => {
    const { sent, input } = setup();
    await fireEvent.input(input, { target: { value: "line one" } });
    const shift = await fireEvent.keyDown(input, { key: "Enter", shiftKey: true });
    expect(shift).toBe(true); // not prevented: the textarea inserts the new line
    expect(sent).toHaveLength(0);
    await fireEvent.input(input, { target: { value: "line one\nline two" } });
    const enter = await fireEvent.keyDown(input, { key: "Enter" });
    expect(enter).toBe(false); // prevented: no new line, the message goes
    await waitFor(() => expect(sent).toEqual([{ text: "line one\nline two", files: [] }]));
    await waitFor(() => expect(input.value).toBe(""));
  });

  it("does not send an empty message", async () => {
    const { sent, input } = setup();
    await fireEvent.input(input, { target: { value: "   " } });
    await fireEvent.keyDown(input, { key: "Enter" });
    expect(sent).toHaveLength(0);
  });

  it("keeps the draft per thread", async () => {
    let { input } = setup("thread-1");
    await fireEvent.input(input, { target: { value: "half a thought" } });
    cleanup();
    ({ input } = setup("thread-2"));
    expect(input.value).toBe("");
    await fireEvent.input(input, { target: { value: "other thread" } });
    cleanup();
    ({ input } = setup("thread-1"));
    expect(input.value).toBe("half a thought");
    cleanup();
    ({ input } = setup("thread-2"));
    expect(input.value).toBe("other thread");
  });

  it("keeps the text and shows the error when sending fails", async () => {
    const { input } = setup("thread-3", { code: "invalid_input", message: "a recipient opted out" });
    await fireEvent.input(input, { target: { value: "Hello" } });
    await fireEvent.keyDown(input, { key: "Enter" });
    expect((await screen.findByTestId("composer-error")).textContent).toBe("a recipient opted out");
    expect(input.value).toBe("Hello");
  });

  it("takes files from the chooser and removes them", async () => {
    const { sent, input } = setup("thread-4");
    const picker = screen.getByTestId("file-input") as HTMLInputElement;
    const file = new File(["BEGIN:VCARD"], "card.vcf", { type: "text/vcard" });
    Object.defineProperty(picker, "files", { value: [file], configurable: true });
    await fireEvent.change(picker);
    expect(screen.getAllByTestId("attachment")).toHaveLength(1);
    await fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0].files[0].name).toBe("card.vcf");
    expect(screen.queryAllByTestId("attachment")).toHaveLength(0);
  });
});
