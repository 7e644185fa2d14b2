import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import ConversationView from "./ConversationView.svelte";
import { ConversationState } from "../lib/conversation.svelte";
import { CLEAR, check } from "../lib/compliance-fake";
import { DAY, FakeBackend, message, thread } from "../lib/fake-backend";
import { fakeResizeObserver, fakeScroller } from "../lib/fake-layout";
import { estimateMessageHeight } from "../lib/row-estimates";

async function open(backend: FakeBackend, threadId = 1) {
  const conversation = new ConversationState(backend, threadId);
  render(ConversationView, { backend, conversation });
  await conversation.open();
  return conversation;
}

describe("ConversationView", () => {
  it("renders a body that looks like HTML literally, never as markup", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1 })];
    backend.messages = [
      message({ id: 1, body: "<img src=x onerror=alert(1)>" }),
      message({
        id: 2,
        body: "<script>alert(2)</script><b>bold</b>",
        author: "+12025550199",
        author_name: "<i>Mallory</i>",
      }),
    ];
    await open(backend);
    const bodies = await screen.findAllByTestId("message-body");
    const texts = bodies.map((b) => b.textContent);
    expect(texts).toContain("<img src=x onerror=alert(1)>");
    expect(texts).toContain("<script>alert(2)</script><b>bold</b>");
    const list = screen.getByTestId("message-list");
    expect(list.querySelector("img")).toBeNull();
    expect(list.querySelector("script")).toBeNull();
    expect(list.querySelector("b")).toBeNull();
    expect(list.querySelector("i")).toBeNull();
    expect(screen.getByText("<i>Mallory</i>")).toBeTruthy();
  });

  it("shows messages oldest to newest with a separator per day and authors in groups", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1 })];
    const now = Date.now();
    backend.messages = [
      message({ id: 1, body: "two days ago", at: now - 2 * DAY }),
      message({ id: 2, body: "yesterday", at: now - DAY, author: "+12025550122", author_name: "Sam Okafor" }),
      message({ id: 3, body: "today 1", at: now - 60_000 }),
      message({ id: 4, body: "today 2", at: now - 30_000 }),
    ];
    await open(backend);
    await waitFor(() => expect(screen.getAllByTestId("message-body")).toHaveLength(4));
    expect(screen.getAllByTestId("message-body").map((b) => b.textContent)).toEqual([
      "two days ago",
      "yesterday",
      "today 1",
      "today 2",
    ]);
    const days = screen.getAllByTestId("day-separator").map((d) => d.textContent?.trim());
    expect(days).toHaveLength(3);
    expect(days[1]).toBe("Yesterday");
    expect(days[2]).toBe("Today");
    // The author shows once per run of messages in a group.
    const authors = screen.getAllByTestId("message-author").map((a) => a.textContent?.trim());
    expect(authors).toEqual(["Dana Reyes", "Sam Okafor", "Dana Reyes"]);
  });

  it("shows sending, delivered and failed with the provider's reason and who has it", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1 })];
    const now = Date.now();
    const out = { direction: "out" as const, author: "+12025550100", author_name: null };
    const d = (recipient: string, state: "delivered" | "failed" | "accepted", text: string | null = null) => ({
      recipient,
      state,
      status_code: text ? 4001 : null,
      status_text: text,
      updated_at: now,
    });
    backend.messages = [
      message({ id: 1, ...out, body: "queued one", state: "sending", at: now - 3000 }),
      message({
        id: 2,
        ...out,
        body: "all delivered",
        state: "sent",
        at: now - 2000,
        deliveries: [d("+12025550111", "delivered"), d("+12025550122", "delivered")],
      }),
      message({
        id: 3,
        ...out,
        body: "one failed",
        state: "sent",
        at: now - 1000,
        deliveries: [d("+12025550111", "delivered"), d("+12025550122", "failed", "Recipient opted out")],
      }),
    ];
    await open(backend);
    await waitFor(() => expect(screen.getAllByTestId("message-state")).toHaveLength(3));
    expect(screen.getAllByTestId("message-state").map((s) => s.textContent)).toEqual([
      "Sending…",
      "Delivered",
      "Failed",
    ]);
    expect(screen.getByTestId("failure-reason").textContent).toBe("Recipient opted out (4001)");
    const details = screen.getAllByTestId("recipients");
    expect(details[1].textContent).toContain("1 of 2 delivered");
    expect(details[1].textContent).toContain("Sam Okafor");
    expect(details[1].textContent).toContain("Failed");
  });

  it("shows images as thumbnails at their aspect ratio, opens a lightbox, and files as cards", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1 })];
    const part = {
      content_type: "image/jpeg",
      display: "image" as const,
      size: 3832,
      width: 480,
      height: 360,
      thumbnail_sha256: null,
    };
    backend.messages = [
      message({
        id: 1,
        body: "Photos",
        parts: [
          { ...part, id: 1, file_name: "rear-bumper.jpg", sha256: "a".repeat(64) },
          {
            ...part,
            id: 2,
            content_type: "text/plain",
            display: "file",
            file_name: "evil.svg",
            sha256: "b".repeat(64),
            width: null,
            height: null,
          },
        ],
      }),
    ];
    await open(backend);
    const img = (await screen.findByTestId("message-image")) as HTMLImageElement;
    expect(img.getAttribute("src")).toBe(`glmedia://localhost/${"a".repeat(64)}`);
    expect(img.getAttribute("width")).toBe("240");
    expect(img.getAttribute("height")).toBe("180");
    const card = screen.getByTestId("file-card");
    expect(card.textContent).toContain("evil.svg");
    expect(card.querySelector("img")).toBeNull();
    await fireEvent.click(img.closest("button")!);
    expect(screen.getByTestId("lightbox")).toBeTruthy();
    await fireEvent.keyDown(window, { key: "Escape" });
    expect(screen.queryByTestId("lightbox")).toBeNull();
  });

  it("adds a message an event announces and sends from the composer", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1 })];
    backend.messages = [message({ id: 1, body: "first" })];
    const conversation = await open(backend);
    backend.messages.push(message({ id: 2, body: "second", at: Date.now() + 1000 }));
    conversation.handle([{ type: "message_added", thread_id: 1, message_id: 2 }]);
    expect(await screen.findByText("second")).toBeTruthy();

    const input = screen.getByTestId("composer-input") as HTMLTextAreaElement;
    await fireEvent.input(input, { target: { value: "On my way" } });
    await fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(backend.sent).toHaveLength(1));
    expect(backend.sent[0]).toEqual({ to: { kind: "thread", thread_id: 1 }, text: "On my way", attachments: [] });
    expect(await screen.findByText("On my way")).toBeTruthy();
  });

  it("says once, in the composer, who opted out, and offers a conversation with whoever is left", async () => {
    const backend = new FakeBackend();
    backend.threads = [
      thread({
        id: 1,
        participants: [
          { address: "+12025550155", name: "Priya Natarajan", opted_out: false, carrier: null },
          { address: "+12025550166", name: "Tom Becker", opted_out: true, carrier: null },
        ],
      }),
    ];
    backend.preflightAnswer = {
      ...CLEAR,
      recipients: [
        check({ number: "+12025550166", name: "Tom Becker", opted_out: true, consent: "opted_out" }),
        check({ number: "+12025550155", name: "Priya Natarajan", consent: "opted_in" }),
      ],
    };
    await open(backend);
    const notice = await screen.findByTestId("preflight-skipped");
    expect(notice.textContent).toMatch(/^Tom Becker has opted out \(texted STOP\) and will be skipped/);
    // The header marks him; no second line repeats the composer's notice.
    expect(screen.getAllByTestId("participant-opted-out")).toHaveLength(1);
    const lines = Array.from(document.querySelectorAll("p")).filter((p) => /opted out/.test(p.textContent ?? ""));
    expect(lines).toEqual([notice]);
    expect(screen.getByTestId("start-without").textContent).toBe("Start a new conversation with Priya Natarajan");
  });

  it("retries a failed message with its Retry button and shows why a retry was refused", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1 })];
    backend.messages = [
      message({
        id: 7,
        direction: "out",
        author: "+12025550100",
        author_name: null,
        body: "tow at 3",
        state: "failed",
        deliveries: [
          { recipient: "+12025550122", state: "rejected", status_code: 4004, status_text: "Handset unreachable", updated_at: 1 },
        ],
      }),
    ];
    await open(backend);
    expect((await screen.findByTestId("failure-reason")).textContent).toBe("Handset unreachable (4004)");
    await fireEvent.click(screen.getByTestId("retry"));
    expect(backend.retried).toEqual([7]);
    await waitFor(() => expect((screen.getByTestId("retry") as HTMLButtonElement).disabled).toBe(false));
    backend.retryMessage = () =>
      Promise.resolve({ status: "error", error: { code: "provider_unavailable", message: "Still connecting" } });
    await fireEvent.click(screen.getByTestId("retry"));
    expect((await screen.findByTestId("retry-error")).textContent).toBe("Still connecting (provider_unavailable)");
  });

  it("opens at a search hit, highlighted, and fills the space below it with the newer messages", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1, unread_count: 1 })];
    const now = Date.now();
    for (let i = 1; i <= 12; i++) backend.messages.push(message({ id: i, body: `message ${i}`, at: now - (13 - i) * 1000 }));
    const conversation = new ConversationState(backend, 1);
    render(ConversationView, { backend, conversation });
    await conversation.openAt(5);
    expect(backend.calls).toContain("open 1 at 5");
    const hit = await screen.findByText("message 5");
    expect(hit.closest('[data-testid="message"]')?.getAttribute("data-highlighted")).toBe("true");
    // Less than a screen lies below the hit: its newer pages load at once, up to the newest,
    // and reaching the newest marks the thread read.
    expect(await screen.findByText("message 12")).toBeTruthy();
    expect(conversation.hasNewer).toBe(false);
    expect(backend.calls).toContain("newer 1 after 7");
    expect(backend.calls).toContain("read 1");
    expect(hit.closest('[data-testid="message"]')?.getAttribute("data-highlighted")).toBe("true");
    // From then on, a message that arrives shows at once.
    backend.messages.push(message({ id: 13, body: "message 13", at: now }));
    conversation.handle([{ type: "message_added", thread_id: 1, message_id: 13 }]);
    expect(await screen.findByText("message 13")).toBeTruthy();
  });

  it("steps through the thread's images in the lightbox, zooms, and saves a copy", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1 })];
    const img = (id: number, name: string) => ({
      id,
      content_type: "image/png",
      display: "image" as const,
      file_name: name,
      size: 10,
      sha256: String(id).repeat(64).slice(0, 64),
      width: 100,
      height: 100,
      thumbnail_sha256: null,
    });
    const now = Date.now();
    backend.messages = [
      message({ id: 1, body: "first", at: now - 2000, parts: [img(11, "one.png"), img(12, "two.png")] }),
      message({ id: 2, body: "second", at: now - 1000, parts: [img(13, "three.png")] }),
    ];
    await open(backend);
    const thumbs = await screen.findAllByTestId("message-image");
    await fireEvent.click(thumbs[1].closest("button")!);
    expect(screen.getByTestId("lightbox-position").textContent).toBe("2 of 3");
    await fireEvent.keyDown(window, { key: "ArrowRight" });
    expect(screen.getByTestId("lightbox-position").textContent).toBe("3 of 3");
    expect((screen.getByTestId("lightbox-next") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("lightbox-prev"));
    await fireEvent.click(screen.getByTestId("lightbox-prev"));
    expect(screen.getByTestId("lightbox-position").textContent).toBe("1 of 3");
    await fireEvent.click(screen.getByTestId("lightbox-zoom-in"));
    expect(screen.getByTestId("lightbox-image").getAttribute("data-zoom")).toBe("1.5");
    const save = screen.getByTestId("lightbox-save");
    expect(save.textContent).toBe("Save as…");
    await fireEvent.click(save);
    expect((await screen.findByTestId("lightbox-note")).textContent).toBe("Saved to /home/me/Downloads/one.png");
    expect(backend.calls).toContain(`save ${"1".repeat(64)} one.png`);

    // A cancelled dialog answers null: nothing is shown (not even the last save's note).
    backend.saveAnswer = null;
    await fireEvent.click(save);
    await waitFor(() => expect(screen.queryByTestId("lightbox-note")).toBeNull());
    expect(backend.calls.filter((c) => c.startsWith("save "))).toHaveLength(2);

    // No dialog could be shown: saved to the default folder, and the note says so.
    backend.saveAnswer = { path: "/home/me/Downloads/one (1).png", fallback: true };
    await fireEvent.click(save);
    expect((await screen.findByTestId("lightbox-note")).textContent).toBe(
      "No save dialog could be opened; saved to /home/me/Downloads/one (1).png",
    );

    backend.saveAnswer = { code: "save_failed", message: "cannot save /mnt/usb/one.png: Read-only file system (os error 30)" };
    await fireEvent.click(save);
    await waitFor(() =>
      expect(screen.getByTestId("lightbox-note").textContent).toBe(
        "cannot save /mnt/usb/one.png: Read-only file system (os error 30) (save_failed)",
      ),
    );
    expect(screen.getByTestId("lightbox-note").classList.contains("error")).toBe(true);
  });

  it("saves a file card's file as… where the user chose, and shows nothing on cancel", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1 })];
    const vcard = {
      id: 5,
      content_type: "text/vcard",
      display: "file" as const,
      file_name: "tow-service.vcf",
      size: 120,
      sha256: "c".repeat(64),
      width: null,
      height: null,
      thumbnail_sha256: null,
    };
    backend.messages = [message({ id: 1, body: "their card", parts: [vcard] })];
    await open(backend);
    const save = await screen.findByTestId("file-save");
    expect(save.textContent).toBe("Save as…");

    backend.saveAnswer = null;
    await fireEvent.click(save);
    await waitFor(() => expect(backend.calls).toContain(`save ${"c".repeat(64)} tow-service.vcf`));
    expect(screen.queryByTestId("file-save-note")).toBeNull();

    backend.saveAnswer = undefined;
    await fireEvent.click(save);
    expect((await screen.findByTestId("file-save-note")).textContent).toBe("Saved to /home/me/Downloads/tow-service.vcf");
  });

  it("opens a file card's file in the desktop's app, and says why when it is refused", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1 })];
    const file = (id: number, name: string, type: string) => ({
      id,
      content_type: type,
      display: "file" as const,
      file_name: name,
      size: 120,
      sha256: String(id).repeat(64),
      width: null,
      height: null,
      thumbnail_sha256: null,
    });
    backend.messages = [message({ id: 1, body: "files", parts: [file(1, "claim.pdf", "application/pdf"), file(2, "run.sh", "application/octet-stream")] })];
    await open(backend);
    const [pdf, binary] = await screen.findAllByTestId("file-open");
    expect(pdf.textContent).toBe("Open");
    await fireEvent.click(pdf);
    await waitFor(() => expect(backend.calls).toContain(`open-file ${"1".repeat(64)} claim.pdf`));
    expect(screen.queryByTestId("file-save-note")).toBeNull();

    backend.openAnswer = { code: "invalid_input", message: "Groupline does not open this kind of file (application/octet-stream)" };
    await fireEvent.click(binary);
    expect((await screen.findByTestId("file-save-note")).textContent).toBe(
      "Groupline does not open this kind of file (application/octet-stream) (invalid_input)",
    );
  });

  describe("a long thread", () => {
    const NOON = new Date(2026, 0, 15, 12, 0, 0).getTime();
    /** `n` messages of ours on one day, oldest first (ids 1..n). */
    function long(backend: FakeBackend, n: number) {
      backend.threads = [thread({ id: 1 })];
      for (let i = 1; i <= n; i++) {
        backend.messages.push(
          message({ id: i, body: `message ${i}`, at: NOON + i * 1000, direction: "out", author: "+12025550100", author_name: null }),
        );
      }
    }
    const rendered = () => screen.queryAllByTestId("message").map((m) => Number(m.getAttribute("data-message-id")));

    it("renders only the rows near the viewport, the newest at the bottom", async () => {
      const backend = new FakeBackend();
      long(backend, 2000);
      const conversation = new ConversationState(backend, 1);
      render(ConversationView, { backend, conversation });
      fakeScroller(screen.getByTestId("message-list"));
      await conversation.open();
      await waitFor(() => expect(rendered()).toContain(2000));
      expect(screen.getByTestId("message-list").getAttribute("data-loaded")).toBe("2000");
      expect(rendered().length).toBeLessThan(60);
      expect(rendered()).not.toContain(1);
      // In order, oldest first, and contiguous.
      const ids = rendered();
      expect(ids).toEqual(ids.map((_, i) => ids[0] + i));
    });

    it("loads an older page on nearing the top, and moves the view by exactly what it added above", async () => {
      const backend = new FakeBackend();
      long(backend, 200);
      backend.pageSize = 50;
      const conversation = new ConversationState(backend, 1);
      render(ConversationView, { backend, conversation });
      const scroller = fakeScroller(screen.getByTestId("message-list"));
      await conversation.open();
      await waitFor(() => expect(rendered()).toContain(200));
      expect(backend.calls).not.toContain("open 1 before 50");
      // Up to near the top of the first page (messages 151..200).
      scroller.scrollTo(700);
      await waitFor(() => expect(conversation.messages).toHaveLength(100));
      expect(backend.calls).toContain("open 1 before 50");
      // Messages 101..150 went in above: the view moved down by the space they take, so
      // what was at the top of the viewport is still there.
      const added = backend.messages
        .filter((m) => m.id > 100 && m.id <= 150)
        .reduce((a, m) => a + estimateMessageHeight(m, { showAuthor: false, group: true, width: 640 }), 0);
      await waitFor(() => expect(screen.getByTestId("message-list").scrollTop).toBe(700 + added));
      expect(screen.queryByTestId("jump-to-latest")).toBeTruthy();
    });

    it("keeps what is read in place when a row above it grows (an image or a video's frame loading)", async () => {
      const ro = fakeResizeObserver();
      try {
        const backend = new FakeBackend();
        long(backend, 300);
        const conversation = new ConversationState(backend, 1);
        render(ConversationView, { backend, conversation });
        const list = screen.getByTestId("message-list");
        const scroller = fakeScroller(list);
        await conversation.open();
        await waitFor(() => expect(rendered()).toContain(300));
        scroller.scrollTo(10_000);
        await waitFor(() => expect(rendered()).not.toContain(300));
        // The first rendered row is above the viewport (in the overscan): it grows by 100 px.
        const row = list.querySelector<HTMLElement>("li.row")!;
        const id = Number(row.querySelector('[data-testid="message"]')!.getAttribute("data-message-id"));
        const estimate = estimateMessageHeight(backend.messages[id - 1], { showAuthor: false, group: true, width: 640 });
        ro.resize(row, estimate + 100);
        await waitFor(() => expect(list.scrollTop).toBe(10_100));
        // A row below the viewport's top growing moves nothing.
        const below = Array.from(list.querySelectorAll<HTMLElement>("li.row")).at(-1)!;
        ro.resize(below, 500);
        await new Promise((r) => setTimeout(r, 20));
        expect(list.scrollTop).toBe(10_100);
      } finally {
        ro.restore();
      }
    });

    it("focuses the newest message on Up in the empty composer, moves with Up/Down, and Down from the newest returns", async () => {
      const backend = new FakeBackend();
      long(backend, 300);
      const conversation = new ConversationState(backend, 1);
      render(ConversationView, { backend, conversation });
      fakeScroller(screen.getByTestId("message-list"));
      await conversation.open();
      await waitFor(() => expect(rendered()).toContain(300));
      const input = screen.getByTestId("composer-input");
      input.focus();
      await fireEvent.keyDown(input, { key: "ArrowUp" });
      const focusedId = () =>
        Number((document.activeElement as HTMLElement).querySelector('[data-testid="message"]')?.getAttribute("data-message-id"));
      await waitFor(() => expect(focusedId()).toBe(300));
      await fireEvent.keyDown(document.activeElement!, { key: "ArrowUp" });
      await waitFor(() => expect(focusedId()).toBe(299));
      await fireEvent.keyDown(document.activeElement!, { key: "ArrowDown" });
      await waitFor(() => expect(focusedId()).toBe(300));
      await fireEvent.keyDown(document.activeElement!, { key: "ArrowDown" });
      await waitFor(() => expect(document.activeElement).toBe(input));
      // Home goes to the oldest loaded message, far outside the window: it is rendered to be focused.
      input.focus();
      await fireEvent.keyDown(input, { key: "ArrowUp" });
      await waitFor(() => expect(focusedId()).toBe(300));
      await fireEvent.keyDown(document.activeElement!, { key: "Home" });
      await waitFor(() => expect(focusedId()).toBe(1));
      // Up with text in the composer stays in the composer.
      input.focus();
      await fireEvent.input(input, { target: { value: "draft" } });
      await fireEvent.keyDown(input, { key: "ArrowUp" });
      expect(document.activeElement).toBe(input);
    });

    it("opened at a search hit, loads newer pages as it is scrolled down without moving what is read", async () => {
      const backend = new FakeBackend();
      long(backend, 300);
      backend.newerPageSize = 20;
      const conversation = new ConversationState(backend, 1);
      render(ConversationView, { backend, conversation });
      const list = screen.getByTestId("message-list");
      const scroller = fakeScroller(list);
      await conversation.openAt(100);
      const highlighted = () => document.querySelector('[data-highlighted="true"]')?.getAttribute("data-message-id");
      await waitFor(() => expect(highlighted()).toBe("100"));
      // Newer pages fill two screens below the hit, no more: the newest is not loaded.
      await waitFor(() => expect(backend.calls).toContain("newer 1 after 102"));
      await waitFor(() => expect(conversation.loadingNewer).toBe(false));
      expect(conversation.hasNewer).toBe(true);
      expect(conversation.messages.some((m) => m.id === 300)).toBe(false);
      expect(screen.getByText("Scroll down for newer messages")).toBeTruthy();
      // Where the hit sits on screen did not move while rows went in below it (the view
      // neither followed the pages to the bottom nor lost its place).
      const hitTop = () => list.querySelector<HTMLElement>('[data-message-id="100"]')!.closest("li")!;
      expect(hitTop()).toBeTruthy();
      const topBefore = list.scrollTop;

      // Someone replies meanwhile: it belongs beyond the pages not yet read.
      backend.messages.push(message({ id: 301, body: "On my way", at: NOON + 301_000, author: "+12025550122", author_name: "Sam Okafor" }));
      conversation.handle([{ type: "message_added", thread_id: 1, message_id: 301 }]);
      await new Promise((r) => setTimeout(r, 20));
      expect(conversation.messages.some((m) => m.id === 301)).toBe(false);
      expect(list.scrollTop).toBe(topBefore);

      // Scrolling down reads the rest, a page at a time, until the newest.
      for (let i = 0; i < 50 && conversation.hasNewer; i++) {
        scroller.scrollTo(list.scrollTop + 1500);
        await waitFor(() => expect(conversation.loadingNewer).toBe(false));
        await new Promise((r) => setTimeout(r, 0));
      }
      expect(conversation.hasNewer).toBe(false);
      const ids = conversation.messages.map((m) => m.id);
      expect(ids[0]).toBe(301);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.slice(1)).toEqual(ids.slice(1).map((_, i) => 300 - i));
      // Paged in, not arrived: nothing announced, and the view stayed where it was scrolled.
      expect(screen.getByTestId("arrivals").textContent).toBe("");
      expect(screen.queryByText("Scroll down for newer messages")).toBeNull();
      expect(screen.getByTestId("jump-to-latest")).toBeTruthy();
    });

    it("tells screen readers about a message that arrives, and not about rows scrolled into view", async () => {
      const backend = new FakeBackend();
      backend.threads = [thread({ id: 1 })];
      backend.messages = [message({ id: 1, body: "first" })];
      const conversation = await open(backend);
      await screen.findByText("first");
      expect(screen.getByTestId("arrivals").textContent).toBe("");
      backend.messages.push(message({ id: 2, body: "Tow truck is here", at: Date.now() + 1000, author: "+12025550122", author_name: "Sam Okafor" }));
      conversation.handle([{ type: "message_added", thread_id: 1, message_id: 2 }]);
      await waitFor(() => expect(screen.getByTestId("arrivals").textContent).toContain("Sam Okafor: Tow truck is here"));
      expect(screen.getByTestId("arrivals").getAttribute("role")).toBe("log");
      // The message list itself is not a live region (its rows come and go as it scrolls).
      expect(screen.getByTestId("message-list").querySelector("[aria-live]")).toBeNull();
    });
  });
});
