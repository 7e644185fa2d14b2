import { describe, expect, it } from "vitest";
import { FakeBackend, message, thread } from "./fake-backend";
import { BURST, describe as describeNote, Notifier, preview } from "./notifications.svelte";

function setup() {
  const backend = new FakeBackend();
  backend.threads = [
    thread({ id: 1, title: "Claim 7-41182" }),
    thread({ id: 2, muted: true }),
    thread({ id: 3, kind: "direct", participants: [{ address: "+12025550133", name: null, opted_out: false, carrier: null }] }),
  ];
  return backend;
}

describe("Notifier", () => {
  it("notifies an inbound unread message with sender, group title and preview", async () => {
    const backend = setup();
    backend.messages = [message({ id: 10, thread_id: 1, state: "unread", body: "Tow is\n20 minutes out" })];
    const n = new Notifier(backend, () => null, () => false);
    await n.handle([{ type: "message_added", thread_id: 1, message_id: 10 }]);
    expect(backend.notified).toEqual([{ title: "Dana Reyes in Claim 7-41182", body: "Tow is 20 minutes out" }]);
    // The desktop has no notification service here, so the window shows it.
    expect(n.toasts.map((t) => [t.threadId, t.messageId])).toEqual([[1, 10]]);
    expect(window.__groupline_notifications?.at(-1)?.messageId).toBe(10);
    expect(window.__groupline_notifications?.at(-1)?.shownOn).toBe("window");
    // The same message named again (a later event) is not notified twice.
    await n.handle([{ type: "message_added", thread_id: 1, message_id: 10 }]);
    expect(backend.notified).toHaveLength(1);
  });

  it("goes to the desktop when the window is in the background, and to a toast when it has focus", async () => {
    const backend = setup();
    backend.desktopNotifications = true;
    backend.messages = [
      message({ id: 30, thread_id: 1, state: "unread", body: "Adjuster at 3" }),
      message({ id: 31, thread_id: 1, state: "unread", body: "Running late" }),
    ];
    let focused = false;
    const n = new Notifier(backend, () => null, () => focused);
    await n.handle([{ type: "message_added", thread_id: 1, message_id: 30 }]);
    expect(backend.notified.map((x) => x.body)).toEqual(["Adjuster at 3"]);
    expect(n.toasts).toEqual([]);
    expect(window.__groupline_notifications?.at(-1)?.shownOn).toBe("desktop");

    focused = true;
    await n.handle([{ type: "message_added", thread_id: 1, message_id: 31 }]);
    expect(backend.notified).toHaveLength(1);
    expect(n.toasts.map((t) => t.body)).toEqual(["Running late"]);
    expect(window.__groupline_notifications?.at(-1)?.shownOn).toBe("window");
  });

  it("stays quiet for muted threads, our own messages, the thread being read, and when off", async () => {
    const backend = setup();
    backend.messages = [
      message({ id: 20, thread_id: 2, state: "unread" }),
      message({ id: 21, thread_id: 1, direction: "out", state: "sent" }),
      message({ id: 22, thread_id: 3, state: "unread", author: "+12025550133", author_name: null }),
      message({ id: 23, thread_id: 1, state: "unread" }),
    ];
    const n = new Notifier(backend, () => 3, () => false);
    await n.handle([
      { type: "message_added", thread_id: 2, message_id: 20 },
      { type: "message_added", thread_id: 1, message_id: 21 },
      { type: "message_added", thread_id: 3, message_id: 22 },
    ]);
    expect(backend.notified).toEqual([]);
    n.enabled = false;
    await n.handle([{ type: "message_added", thread_id: 1, message_id: 23 }]);
    expect(backend.notified).toEqual([]);
  });

  it("sums up a burst in one notification", async () => {
    const backend = setup();
    const events = [];
    for (let i = 0; i <= BURST; i++) {
      backend.messages.push(message({ id: 100 + i, thread_id: 1, state: "unread" }));
      events.push({ type: "message_added" as const, thread_id: 1, message_id: 100 + i });
    }
    const n = new Notifier(backend, () => null, () => false);
    await n.handle(events);
    expect(backend.notified).toEqual([{ title: `${BURST + 1} new messages`, body: "in Claim 7-41182" }]);
  });

  it("previews media without text, and names a direct sender alone", () => {
    const photo = message({
      id: 1,
      body: "",
      parts: [
        { id: 1, content_type: "image/jpeg", display: "image", file_name: "a.jpg", size: 1, sha256: "x", width: 1, height: 1, thumbnail_sha256: null },
      ],
    });
    expect(preview(photo)).toBe("Photo");
    expect(preview(message({ id: 2, body: "<script>x</script>" }))).toBe("<script>x</script>");
    expect(preview(message({ id: 3, body: "y".repeat(500) })).length).toBe(120);
    const direct = thread({ id: 3, kind: "direct", participants: [{ address: "+12025550133", name: "Rick", opted_out: false, carrier: null }] });
    expect(describeNote(message({ id: 4, author: "+12025550133", author_name: null }), direct).title).toBe("Rick");
  });
});
