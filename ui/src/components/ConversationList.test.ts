import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import ConversationList from "./ConversationList.svelte";
import { ThreadListState } from "../lib/thread-list.svelte";
import { FakeBackend, thread } from "../lib/fake-backend";
import { fakeScroller } from "../lib/fake-layout";

async function setup(backend: FakeBackend, selected: number | null = null) {
  const list = new ThreadListState(backend);
  const picked: number[] = [];
  const view = render(ConversationList, {
    backend,
    list,
    selectedId: selected,
    demo: false,
    onSelect: (id: number) => picked.push(id),
    onNew: () => {},
    onContacts: () => {},
  });
  await list.load();
  return { list, picked, view };
}

const titles = () => screen.getAllByTestId("thread-title").map((e) => e.textContent);

describe("ConversationList", () => {
  it("shows names, the preview with its author in groups, unread and muted, pinned first", async () => {
    const backend = new FakeBackend();
    const now = Date.now();
    backend.threads = [
      thread({ id: 1, last_activity: now - 1000, unread_count: 4, last_preview: "Tow truck is 20 minutes out", last_author: "+12025550122" }),
      thread({ id: 2, last_activity: now - 5000, pinned: true, title: "Claim 7-41182", muted: true }),
      thread({
        id: 3,
        kind: "direct",
        last_activity: now - 9000,
        participants: [{ address: "+12025550155", name: null, opted_out: true, carrier: null }],
        last_author: "+12025550100",
        last_preview: "See you at 3",
      }),
    ];
    await setup(backend);
    await waitFor(() => expect(titles()).toEqual(["Claim 7-41182", "Dana Reyes, Sam Okafor", "(202) 555-0155"]));
    const previews = screen.getAllByTestId("thread-preview").map((e) => e.textContent);
    expect(previews[1]).toBe("Sam Okafor: Tow truck is 20 minutes out");
    expect(previews[2]).toBe("You: See you at 3");
    const badges = screen.getAllByTestId("unread-badge");
    expect(badges).toHaveLength(1);
    expect(badges[0].textContent?.trim()).toBe("4");
    expect(screen.getAllByTestId("muted")).toHaveLength(1);
    const rows = screen.getAllByTestId("thread-row");
    expect(rows[0].querySelector('[data-testid="muted"]')).not.toBeNull();
    const optedOut = screen.getAllByTestId("opted-out");
    expect(optedOut).toHaveLength(1);
    expect(rows[2].contains(optedOut[0])).toBe(true);
  });

  it("moves a thread to the top when an event says it changed, and hides archived ones", async () => {
    const backend = new FakeBackend();
    const now = Date.now();
    backend.threads = [
      thread({ id: 1, title: "First", last_activity: now - 1000 }),
      thread({ id: 2, title: "Second", last_activity: now - 2000 }),
      thread({ id: 3, title: "Old", archived: true, last_activity: now - 100_000 }),
    ];
    const { list } = await setup(backend);
    await waitFor(() => expect(titles()).toEqual(["First", "Second"]));

    backend.threads[1] = { ...backend.threads[1], last_activity: now, last_preview: "<b>new</b>" };
    list.handle([{ type: "message_added", thread_id: 2, message_id: 9 }]);
    await waitFor(() => expect(titles()).toEqual(["Second", "First"]));
    expect(screen.getAllByTestId("thread-preview")[0].textContent).toBe("Dana Reyes: <b>new</b>");
    expect(screen.getAllByTestId("thread-preview")[0].querySelector("b")).toBeNull();

    backend.threads[0] = { ...backend.threads[0], archived: true };
    list.handle([{ type: "thread_changed", thread_id: 1 }]);
    await waitFor(() => expect(titles()).toEqual(["Second"]));

    await fireEvent.click(screen.getByTestId("archived-tab"));
    await waitFor(() => expect(titles()).toEqual(["First", "Old"]));
  });

  it("selects a thread on click", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 7, title: "Listing: 12 Elm St" })];
    const { picked } = await setup(backend);
    await fireEvent.click(await screen.findByText("Listing: 12 Elm St"));
    expect(picked).toEqual([7]);
  });

  describe("10,000 threads", () => {
    function many(backend: FakeBackend, n: number) {
      const now = Date.now();
      backend.threads = Array.from({ length: n }, (_, i) => thread({ id: i + 1, title: `Thread ${i + 1}`, last_activity: now - i * 1000 }));
      backend.pageSize = 50;
    }
    const ids = () => screen.queryAllByTestId("thread-row").map((r) => Number(r.getAttribute("data-thread-id")));

    it("renders only the rows near the viewport and loads more pages as the end nears", async () => {
      const backend = new FakeBackend();
      many(backend, 10_000);
      const list = new ThreadListState(backend);
      render(ConversationList, { backend, list, selectedId: null, demo: false, onSelect: () => {}, onNew: () => {}, onContacts: () => {} });
      const scroller = fakeScroller(screen.getByRole("navigation", { name: "Conversation list" }));
      await list.load();
      await waitFor(() => expect(ids()[0]).toBe(1));
      expect(list.threads).toHaveLength(50);
      expect(ids().length).toBeLessThan(30);
      // Each option says where it stands in the list.
      expect(screen.getAllByTestId("thread-row")[0].getAttribute("aria-posinset")).toBe("1");
      expect(screen.getAllByTestId("thread-row")[0].getAttribute("aria-setsize")).toBe("-1");
      // Scrolling down: the rows there, and the next page before the end is reached.
      scroller.scrollTo(2000);
      await waitFor(() => expect(list.threads).toHaveLength(100));
      expect(ids()).toContain(Math.floor(2000 / 62) + 1);
      expect(ids()).not.toContain(1);
      expect(ids().length).toBeLessThan(40);
      scroller.scrollTo(5000);
      await waitFor(() => expect(list.threads.length).toBeGreaterThanOrEqual(150));
      expect(ids().length).toBeLessThan(40);
    });

    it("scrolls a selected row that is off screen into view", async () => {
      const backend = new FakeBackend();
      many(backend, 200);
      backend.pageSize = null;
      const list = new ThreadListState(backend);
      const props = { backend, list, selectedId: null as number | null, demo: false, onSelect: () => {}, onNew: () => {}, onContacts: () => {} };
      const view = render(ConversationList, props);
      fakeScroller(screen.getByRole("navigation", { name: "Conversation list" }));
      await list.load();
      await waitFor(() => expect(ids()[0]).toBe(1));
      expect(ids()).not.toContain(150);
      await view.rerender({ ...props, selectedId: 150 });
      await waitFor(() => expect(ids()).toContain(150));
      const row = screen.getAllByTestId("thread-row").find((r) => r.getAttribute("data-thread-id") === "150")!;
      expect(row.getAttribute("aria-selected")).toBe("true");
      expect(row.getAttribute("aria-posinset")).toBe("150");
      expect(row.getAttribute("aria-setsize")).toBe("200");
    });

    it("moves focus between rows with Up/Down/Home/End, rendering rows outside the window", async () => {
      const backend = new FakeBackend();
      many(backend, 300);
      backend.pageSize = null;
      const list = new ThreadListState(backend);
      render(ConversationList, { backend, list, selectedId: null, demo: false, onSelect: () => {}, onNew: () => {}, onContacts: () => {} });
      fakeScroller(screen.getByRole("navigation", { name: "Conversation list" }));
      await list.load();
      await waitFor(() => expect(ids()[0]).toBe(1));
      const focusedId = () => Number(document.activeElement?.closest("[data-thread-id]")?.getAttribute("data-thread-id"));
      screen.getAllByTestId("thread-row")[0].querySelector("button")!.focus();
      await fireEvent.keyDown(document.activeElement!, { key: "ArrowDown" });
      await waitFor(() => expect(focusedId()).toBe(2));
      await fireEvent.keyDown(document.activeElement!, { key: "End" });
      await waitFor(() => expect(focusedId()).toBe(300));
      expect(ids()).not.toContain(1);
      await fireEvent.keyDown(document.activeElement!, { key: "ArrowUp" });
      await waitFor(() => expect(focusedId()).toBe(299));
      await fireEvent.keyDown(document.activeElement!, { key: "Home" });
      await waitFor(() => expect(focusedId()).toBe(1));
    });

    it("keeps the rows in view still when a thread below moves to the top", async () => {
      const backend = new FakeBackend();
      many(backend, 200);
      backend.pageSize = null;
      const list = new ThreadListState(backend);
      render(ConversationList, { backend, list, selectedId: null, demo: false, onSelect: () => {}, onNew: () => {}, onContacts: () => {} });
      const scroller = fakeScroller(screen.getByRole("navigation", { name: "Conversation list" }));
      await list.load();
      scroller.scrollTo(62 * 50);
      await waitFor(() => expect(ids()).toContain(51));
      const nav = screen.getByRole("navigation", { name: "Conversation list" });
      // Thread 150 gets a message: it moves to the top, above the rows being looked at.
      backend.threads[149] = { ...backend.threads[149], last_activity: Date.now() + 1000 };
      list.handle([{ type: "message_added", thread_id: 150, message_id: 1 }]);
      await waitFor(() => expect(list.threads[0].id).toBe(150));
      await waitFor(() => expect(nav.scrollTop).toBe(62 * 51));
    });
  });
});
