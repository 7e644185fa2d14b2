import { describe, expect, it } from "vitest";
import { ConversationState } from "./conversation.svelte";
import { FakeBackend, message, thread } from "./fake-backend";
import { ThreadListState } from "./thread-list.svelte";

describe("ConversationState", () => {
  it("keeps a message an event brought while the first page was on its way", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1 })];
    backend.messages = [message({ id: 1, body: "old" })];
    // The page is read before message 2 commits, and answers after its event is handled.
    const page = await backend.openThread(1, null);
    let release!: () => void;
    backend.openThread = () => new Promise((ok) => (release = () => ok(page)));
    const c = new ConversationState(backend, 1);
    const opening = c.open();
    backend.messages.push(message({ id: 2, body: "new", at: Date.now() + 5000 }));
    await c.refreshMessage(2);
    release();
    await opening;
    expect(c.messages.map((m) => m.body)).toEqual(["new", "old"]);
  });

  it("shows a participant's opt-out when the ledger records it, in the header and the list", async () => {
    const backend = new FakeBackend();
    const tom = { address: "+12025550166", name: "Tom", opted_out: false, carrier: null };
    const dana = { address: "+12025550111", name: "Dana", opted_out: false, carrier: null };
    backend.threads = [thread({ id: 1, participants: [tom, dana] }), thread({ id: 2, participants: [dana] })];
    const c = new ConversationState(backend, 1);
    await c.open();
    const list = new ThreadListState(backend);
    await list.load();

    // Tom's STOP came in another thread: these rows only learn of it from the ledger.
    backend.threads = backend.threads.map((t) =>
      t.id === 1 ? { ...t, participants: [{ ...tom, opted_out: true }, dana] } : t,
    );
    const summaries = backend.calls.length;
    c.handle([{ type: "consent_changed", number: "+12025550166" }]);
    list.handle([{ type: "consent_changed", number: "+12025550166" }]);
    await new Promise((r) => setTimeout(r, 0));
    expect(c.thread?.participants[0].opted_out).toBe(true);
    expect(list.threads.find((t) => t.id === 1)?.participants[0].opted_out).toBe(true);
    // Dana's own thread was not re-read; Tom's was.
    expect(backend.calls.slice(summaries)).toContain("summary 1");
    expect(backend.calls.slice(summaries)).not.toContain("summary 2");
  });
});
