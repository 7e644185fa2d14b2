// Notifications for inbound messages: the one place that decides whether a message is
// worth a notification, what it says, and where it goes, and a log the end-to-end tests read.
//
// A message notifies when it is inbound, still unread, in an unmuted and unarchived thread,
// and not in the conversation the user is looking at in a focused window. A burst (the
// poller catching up after a night offline) is one summary rather than a hundred toasts.
//
// Where it goes: while the window has focus, an in-window toast (the user is here; a
// desktop popup would only repeat it). Otherwise a desktop notification, and the toast only
// when the desktop has no notification service to show it.
import { call, type AppEvent, type Backend, type Message, type ThreadSummary } from "./backend";
import { nameIn, threadTitle } from "./format";

/** What a notification says, and which thread clicking it opens. */
export interface AppNotification {
  id: number;
  threadId: number;
  messageId: number | null;
  title: string;
  body: string;
  at: number;
  /** Where it was shown: the desktop's notification service, or the window's toasts. */
  shownOn?: "desktop" | "window";
}

/** More inbound messages than this in one batch of events: one summary instead. */
export const BURST = 4;
/** Longest text preview, in characters. */
export const PREVIEW_CHARS = 120;
/** How many toasts stay on screen. */
const MAX_TOASTS = 3;
/** How long a toast stays, in milliseconds. */
const TOAST_MS = 8000;
/** How many notifications the observable log keeps. */
const MAX_LOG = 50;

declare global {
  interface Window {
    /** Every notification shown, oldest first (bounded): what the end-to-end tests observe. */
    __groupline_notifications?: AppNotification[];
  }
}

/** A message's text as a one-line preview, or what it carries when it has no text. */
export function preview(m: Message): string {
  const text = m.body.replace(/\s+/g, " ").trim();
  if (text) return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
  const images = m.parts.filter((p) => p.display === "image").length;
  if (images > 0) return images === 1 ? "Photo" : `${images} photos`;
  if (m.parts.length > 0) return m.parts.length === 1 ? "Attachment" : `${m.parts.length} attachments`;
  return "New message";
}

/** The notification for one message in one thread: sender, group title, text preview. */
export function describe(m: Message, t: ThreadSummary): Omit<AppNotification, "id" | "at"> {
  const sender = m.author_name ?? nameIn(t, m.author);
  const group = t.kind === "group" && (t.participants.length > 1 || t.title);
  return {
    threadId: t.id,
    messageId: m.id,
    title: group ? `${sender} in ${threadTitle(t)}` : sender,
    body: preview(m),
  };
}

/** Whether a message in a thread deserves a notification at all. */
export function worthNotifying(m: Message, t: ThreadSummary): boolean {
  return m.direction === "in" && m.state === "unread" && !t.muted && !t.archived;
}

export class Notifier {
  /** Notifications on or off (the settings' switch). */
  enabled = $state(true);
  /** What the window shows as toasts, newest last. */
  toasts = $state<AppNotification[]>([]);
  #next = 1;
  #seen = new Set<number>();

  constructor(
    private backend: Backend,
    /** The thread on screen in a focused window: its messages are seen, not notified. */
    private looking: () => number | null,
    /** Whether the window has focus (a toast then, not a desktop notification). */
    private focused: () => boolean = () => document.hasFocus(),
  ) {}

  /** Looks at a batch of engine events and notifies for the inbound messages in it. */
  async handle(events: AppEvent[]): Promise<void> {
    if (!this.enabled) return;
    const added = events.filter(
      (e): e is Extract<AppEvent, { type: "message_added" }> =>
        e.type === "message_added" && !this.#seen.has(e.message_id),
    );
    if (added.length === 0) return;
    added.forEach((e) => this.#seen.add(e.message_id));
    const found: { m: Message; t: ThreadSummary }[] = [];
    const threads = new Map<number, ThreadSummary | null>();
    for (const e of added) {
      const r = await call(() => this.backend.getMessage(e.message_id));
      if (r.status !== "ok" || r.data.direction !== "in") continue;
      if (e.thread_id === this.looking()) continue;
      if (!threads.has(e.thread_id)) {
        const t = await call(() => this.backend.threadSummary(e.thread_id));
        threads.set(e.thread_id, t.status === "ok" ? t.data : null);
      }
      const t = threads.get(e.thread_id);
      if (t && worthNotifying(r.data, t)) found.push({ m: r.data, t });
    }
    if (found.length === 0) return;
    if (found.length > BURST) {
      const threadCount = new Set(found.map((f) => f.t.id)).size;
      const newest = found[found.length - 1];
      await this.show({
        threadId: newest.t.id,
        messageId: null,
        title: `${found.length} new messages`,
        body: threadCount === 1 ? `in ${threadTitle(newest.t)}` : `in ${threadCount} conversations`,
      });
      return;
    }
    for (const { m, t } of found) await this.show(describe(m, t));
  }

  async show(n: Omit<AppNotification, "id" | "at" | "shownOn">) {
    const full: AppNotification = { ...n, id: this.#next++, at: Date.now() };
    const onDesktop = !this.focused() && (await this.backend.notify(full));
    full.shownOn = onDesktop ? "desktop" : "window";
    const log = (window.__groupline_notifications ??= []);
    log.push(full);
    if (log.length > MAX_LOG) log.splice(0, log.length - MAX_LOG);
    if (onDesktop) return;
    this.toasts = [...this.toasts, full].slice(-MAX_TOASTS);
    setTimeout(() => this.dismiss(full.id), TOAST_MS);
  }

  dismiss(id: number) {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }
}
