import { beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import Composer from "./Composer.svelte";
import { clearDrafts } from "../lib/drafts";
import type { IpcError } from "../lib/backend";
import { FakeBackend } from "../lib/fake-backend";
import { CLEAR, check } from "../lib/compliance-fake";
import type { Preflight } from "../lib/compliance";

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

describe("Composer compliance checks", () => {
  beforeEach(() => clearDrafts());

  function setupChecked(answer: Preflight, opts: { group?: boolean; onOpenThread?: (id: number) => void } = {}) {
    const backend = new FakeBackend();
    backend.preflightAnswer = answer;
    const sent: { text: string; urgent: string | null }[] = [];
    render(Composer, {
      draftKey: "thread-9",
      backend,
      to: { kind: "thread", thread_id: 9 },
      group: opts.group ?? true,
      onOpenThread: opts.onOpenThread,
      onSend: async (text: string, _files: File[], urgent: string | null) => {
        sent.push({ text, urgent });
        return null;
      },
    });
    const input = screen.getByTestId("composer-input") as HTMLTextAreaElement;
    const button = screen.getByTestId("composer-send") as HTMLButtonElement;
    return { backend, sent, input, button };
  }

  it("blocks the send with the reason when nobody can be texted", async () => {
    const { backend, sent, input, button } = setupChecked({
      ...CLEAR,
      recipients: [check({ number: "+12025550166", name: "Tom Becker", consent: "opted_out", opted_out: true })],
    });
    // No reason from the engine: the composer still says why.
    const reason = await screen.findByTestId("preflight-blocked");
    expect(reason.textContent).toMatch(/Tom Becker opted out \(texted STOP\); nobody here can be texted/);
    expect(backend.preflightCalls).toEqual([{ kind: "thread", thread_id: 9 }]);
    await fireEvent.input(input, { target: { value: "Are you still interested?" } });
    expect(button.disabled).toBe(true);
    expect(button.title).toMatch(/opted out/);
    await fireEvent.keyDown(input, { key: "Enter" });
    expect(sent).toHaveLength(0);
    expect(screen.queryByTestId("preflight-skipped")).toBeNull();
  });

  it("shows the engine's own block reason", async () => {
    const { button, input } = setupChecked({
      ...CLEAR,
      recipients: [check({ number: "+12025550111", no_opt_in: true })],
      blocked: { code: "no_opt_in", message: "No opt-in on record for (202) 555-0111; the office policy refuses" },
    });
    expect((await screen.findByTestId("preflight-blocked")).textContent).toBe(
      "No opt-in on record for (202) 555-0111; the office policy refuses",
    );
    await fireEvent.input(input, { target: { value: "Hello" } });
    expect(button.disabled).toBe(true);
  });

  it("names who is skipped in a group and starts a linked group without them", async () => {
    const opened: number[] = [];
    const { backend, sent, input, button } = setupChecked(
      {
        ...CLEAR,
        recipients: [
          check({ number: "+12025550166", name: "Tom Becker", opted_out: true, consent: "opted_out" }),
          check({ number: "+12025550155", name: "Priya Natarajan", consent: "opted_in" }),
        ],
      },
      { onOpenThread: (id) => opened.push(id) },
    );
    const notice = await screen.findByTestId("preflight-skipped");
    expect(notice.textContent).toMatch(/Tom Becker has opted out \(texted STOP\) and will be skipped/);
    expect(screen.queryByTestId("preflight-blocked")).toBeNull();
    await fireEvent.input(input, { target: { value: "Open house at 3" } });
    expect(button.disabled).toBe(false);
    // Only Priya is left: the new thread is a one-to-one conversation, and says so.
    expect(screen.getByTestId("start-without").textContent).toBe("Start a new conversation with Priya Natarajan");
    await fireEvent.click(screen.getByTestId("start-without"));
    await waitFor(() => expect(opened).toEqual([77]));
    expect(backend.successorsOf).toEqual([9]);
    await fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(sent).toEqual([{ text: "Open house at 3", urgent: null }]));
  });

  it("offers a new group without them while two or more others remain", async () => {
    setupChecked({
      ...CLEAR,
      recipients: [
        check({ number: "+12025550166", name: "Tom Becker", opted_out: true, consent: "opted_out" }),
        check({ number: "+12025550155", name: "Priya Natarajan", consent: "opted_in" }),
        check({ number: "+12025550177", name: "Ana Silva", consent: "opted_in" }),
      ],
    });
    expect((await screen.findByTestId("start-without")).textContent).toBe("Start a new group without them");
  });

  it("does not offer a new group in a one-to-one conversation", async () => {
    setupChecked(
      {
        ...CLEAR,
        recipients: [
          check({ number: "+12025550166", opted_out: true }),
          check({ number: "+12025550155" }),
        ],
      },
      { group: false },
    );
    await screen.findByTestId("preflight-skipped");
    expect(screen.queryByTestId("start-without")).toBeNull();
  });

  it("warns about a missing opt-in and shows the footer it adds, names as text", async () => {
    setupChecked({
      ...CLEAR,
      recipients: [check({ number: "+12025550111", name: "<b>Dana</b>", no_opt_in: true })],
      footer: "Reply STOP to opt out",
    });
    const warning = await screen.findByTestId("preflight-no-opt-in");
    expect(warning.textContent?.trim()).toBe("No opt-in on record for <b>Dana</b>.");
    expect(warning.querySelector("b")).toBeNull();
    expect(screen.getByTestId("preflight-footer").textContent).toBe("Adds: Reply STOP to opt out");
    expect((screen.getByTestId("composer-send") as HTMLButtonElement).disabled).toBe(true); // empty only
  });

  it("checks again after sending: the footer goes with the first message only", async () => {
    const { backend, input, sent } = setupChecked({
      ...CLEAR,
      recipients: [check({ number: "+12025550111", needs_footer: true })],
      footer: "Reply STOP to opt out",
    });
    await screen.findByTestId("preflight-footer");
    await fireEvent.input(input, { target: { value: "Hello" } });
    await waitFor(() => expect(backend.preflightCalls).toHaveLength(2)); // starting a message
    expect(screen.getByTestId("preflight-footer")).toBeTruthy();
    // The send records the footer as sent: the next answer has none.
    backend.preflightAnswer = { ...CLEAR, recipients: [check({ number: "+12025550111" })] };
    await fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(sent).toHaveLength(1));
    await waitFor(() => expect(screen.queryByTestId("preflight-footer")).toBeNull());
  });

  it("says when quiet hours hold the message and sends now only with a reason", async () => {
    const eight = new Date();
    eight.setHours(8, 0, 0, 0);
    const { sent, input } = setupChecked({
      ...CLEAR,
      recipients: [check({ number: "+12025550111", quiet_until: eight.getTime() })],
      scheduled_at: eight.getTime(),
    });
    const held = await screen.findByTestId("preflight-scheduled");
    expect(held.textContent).toContain("Scheduled for 8:00 AM (recipient's quiet hours)");
    await fireEvent.input(input, { target: { value: "Tow truck is 5 min out" } });
    await fireEvent.click(screen.getByTestId("urgent-open"));
    const now = screen.getByTestId("urgent-send") as HTMLButtonElement;
    expect(now.disabled).toBe(true); // a reason is required
    await fireEvent.input(screen.getByTestId("urgent-reason"), { target: { value: "   " } });
    expect(now.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("urgent-reason"), { target: { value: "Accident scene, driver waiting" } });
    expect(now.disabled).toBe(false);
    await fireEvent.click(now);
    await waitFor(() =>
      expect(sent).toEqual([{ text: "Tow truck is 5 min out", urgent: "Accident scene, driver waiting" }]),
    );
  });

  it("shows the backend's error when the check fails, and sending still works", async () => {
    const backend = new FakeBackend();
    backend.failures.preflight = { code: "store_failed", message: "the store is unreadable" };
    render(Composer, {
      draftKey: "thread-10",
      backend,
      to: { kind: "thread", thread_id: 10 },
      onSend: async () => null,
    });
    expect((await screen.findByTestId("preflight-error")).textContent).toContain("the store is unreadable");
    expect(screen.queryByTestId("preflight-blocked")).toBeNull();
  });

  it("asks again when the conversation's consent changes", async () => {
    const backend = new FakeBackend();
    const { rerender } = render(Composer, {
      draftKey: "thread-11",
      backend,
      to: { kind: "thread", thread_id: 11 },
      revision: "",
      onSend: async () => null,
    });
    await waitFor(() => expect(backend.preflightCalls).toHaveLength(1));
    backend.preflightAnswer = {
      ...CLEAR,
      recipients: [check({ number: "+12025550166", opted_out: true })],
    };
    await rerender({ revision: "+12025550166" });
    await screen.findByTestId("preflight-blocked");
    expect(backend.preflightCalls).toHaveLength(2);
  });
});
