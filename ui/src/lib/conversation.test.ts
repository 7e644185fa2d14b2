import { describe, expect, it } from "vitest";
import { ConversationState } from "./conversation.svelte";
import { FakeBackend, message, thread } from "./fake-backend";

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
});
