import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import App from "./App.svelte";
import { FakeBackend, message, thread } from "./lib/fake-backend";

describe("App", () => {
  it("has the list, the pane and the status bar, and shows the empty states", async () => {
    const backend = new FakeBackend();
    render(App, { backend });
    expect(screen.getByRole("complementary", { name: "Conversations" })).toBeTruthy();
    expect(screen.getByRole("main", { name: "Conversation" })).toBeTruthy();
    expect((await screen.findByTestId("conversation-list-empty")).textContent).toContain(
      "No conversations yet",
    );
    expect((await screen.findByTestId("status-schema")).textContent).toBe("Schema v1");
    expect(await screen.findByTestId("demo-badge")).toBeTruthy();
    // On the demo, the first run explains it and how to connect a real provider, once.
    expect((await screen.findByTestId("first-run")).textContent).toContain("demo provider");
    await fireEvent.click(screen.getByTestId("first-run-dismiss"));
    expect(screen.getByTestId("conversation-empty").textContent).toContain("No conversation selected");
    expect(localStorage.getItem("groupline.preferences")).toContain('"firstRunSeen":true');
  });

  it("shows an upgrade's progress while the store opens, then the list", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1, title: "Claim 7-41182" })];
    backend.storeStates = [
      { state: "opening", upgrade: { step: 1, of: 2, name: "fts terms only" } },
      { state: "opening", upgrade: { step: 2, of: 2, name: "delivery recipients by number" } },
      { state: "open" },
    ];
    render(App, { backend });
    expect((await screen.findByTestId("store-upgrade-step")).textContent).toContain("Step 1 of 2: fts terms only");
    await waitFor(() =>
      expect(screen.getByTestId("store-upgrade-step").textContent).toContain("Step 2 of 2"),
    );
    // Nothing reads the store before it is open.
    expect(backend.calls.filter((c) => c.startsWith("list"))).toEqual([]);
    expect((await screen.findAllByTestId("thread-row")).length).toBe(1);
    expect(screen.queryByTestId("store-upgrade")).toBeNull();
  });

  it("opens a thread, marks it read, and puts the unread total in the window title", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1, unread_count: 3 }), thread({ id: 2, unread_count: 2, muted: true })];
    backend.messages = [message({ id: 1, thread_id: 1, body: "Photos attached" })];
    render(App, { backend });
    await waitFor(() => expect(backend.title).toBe("(3) Groupline"));
    const rows = await screen.findAllByTestId("thread-row");
    await fireEvent.click(rows[0].querySelector("button")!);
    expect(await screen.findByText("Photos attached")).toBeTruthy();
    expect(backend.calls).toContain("read 1");
    backend.threads[0] = { ...backend.threads[0], unread_count: 0 };
    backend.emit([{ type: "thread_changed", thread_id: 1 }]);
    await waitFor(() => expect(backend.title).toBe("Groupline"));
  });

  it("moves between threads with Alt+Down/Up and opens the new-conversation dialog with Ctrl+N", async () => {
    const backend = new FakeBackend();
    const now = Date.now();
    backend.threads = [thread({ id: 1, title: "A", last_activity: now }), thread({ id: 2, title: "B", last_activity: now - 1 })];
    render(App, { backend });
    await screen.findAllByTestId("thread-row");
    await fireEvent.keyDown(window, { key: "ArrowDown", altKey: true });
    await waitFor(() => expect(backend.calls).toContain("open 1"));
    await fireEvent.keyDown(window, { key: "ArrowDown", altKey: true });
    await waitFor(() => expect(backend.calls).toContain("open 2"));
    await fireEvent.keyDown(window, { key: "n", ctrlKey: true });
    expect(await screen.findByTestId("new-conversation-dialog")).toBeTruthy();
  });

  it("opens the first nine threads with Ctrl+1..9", async () => {
    const backend = new FakeBackend();
    const now = Date.now();
    backend.threads = [1, 2, 3].map((id) => thread({ id, title: `T${id}`, last_activity: now - id }));
    render(App, { backend });
    await screen.findAllByTestId("thread-row");
    await fireEvent.keyDown(window, { key: "3", ctrlKey: true });
    await waitFor(() => expect(backend.calls).toContain("open 3"));
    await fireEvent.keyDown(window, { key: "1", ctrlKey: true });
    await waitFor(() => expect(backend.calls).toContain("open 1"));
    // Beyond the list: nothing.
    await fireEvent.keyDown(window, { key: "9", ctrlKey: true });
    expect(backend.calls.filter((c) => c.startsWith("open"))).toEqual(["open 3", "open 1"]);
  });
});
