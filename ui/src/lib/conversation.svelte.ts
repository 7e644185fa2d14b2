// One open conversation: its header and the loaded messages (newest first, as the store
// pages them), kept current by engine events that name this thread.
import {
  call,
  type AppEvent,
  type Backend,
  type IpcError,
  type Message,
  type ThreadSummary,
} from "./backend";

function newerFirst(a: Message, b: Message): number {
  return b.at - a.at || b.id - a.id;
}

export class ConversationState {
  thread = $state<ThreadSummary | null>(null);
  /**
   * Newest first. Replaced, never mutated in place ($state.raw: a long thread's thousands
   * of messages are not each wrapped in a reactive proxy).
   */
  messages = $state.raw<Message[]>([]);
  /** The cursor to older messages; null when the oldest is loaded. */
  older = $state<string | null>(null);
  loading = $state(true);
  loadingOlder = $state(false);
  loadingNewer = $state(false);
  error = $state<IpcError | null>(null);
  /** The message the thread was opened at (a search hit), shown highlighted. */
  highlightId = $state<number | null>(null);
  /** Newer messages than the loaded ones exist (opened at a hit, not at the newest). */
  hasNewer = $state(false);
  /**
   * The newest message a newer page brought (not an arrival or a send): the view neither
   * follows nor announces it. Plain, since it changes together with `messages`.
   */
  pagedTo: number | null = null;

  constructor(
    private backend: Backend,
    readonly threadId: number,
  ) {}

  async open() {
    if (this.highlightId !== null && this.hasNewer) return this.openAt(this.highlightId);
    this.loading = true;
    const r = await call(() => this.backend.openThread(this.threadId, null));
    this.loading = false;
    if (r.status === "error") {
      this.error = r.error;
      return;
    }
    this.error = null;
    this.thread = r.data.thread;
    // Messages an event brought while the page was on its way stay (the page may have
    // been read just before they committed).
    const page = r.data.messages.items;
    const inPage = new Set(page.map((m) => m.id));
    const arrived = this.messages.filter((m) => !inPage.has(m.id));
    this.messages = arrived.length ? [...page, ...arrived].sort(newerFirst) : page;
    this.older = r.data.messages.next;
    if (r.data.thread.unread_count > 0) void this.markRead();
  }

  /** Opens the thread at one message: the page around it, that message highlighted. */
  async openAt(messageId: number) {
    this.loading = true;
    const r = await call(() => this.backend.openThreadAt(this.threadId, messageId));
    this.loading = false;
    if (r.status === "error") {
      this.error = r.error;
      return;
    }
    this.error = null;
    this.thread = r.data.thread;
    this.messages = r.data.messages.items;
    this.older = r.data.messages.next;
    this.hasNewer = r.data.has_newer;
    this.highlightId = messageId;
    if (!this.hasNewer && r.data.thread.unread_count > 0) void this.markRead();
  }

  /** Leaves a hit for the newest page. */
  async jumpToLatest() {
    this.highlightId = null;
    this.hasNewer = false;
    this.messages = [];
    this.older = null;
    await this.open();
  }

  async markRead() {
    await call(() => this.backend.markThreadRead(this.threadId));
  }

  /** Reads the next older page; answers whether anything was added. */
  async loadOlder(): Promise<boolean> {
    if (!this.older || this.loadingOlder) return false;
    this.loadingOlder = true;
    const r = await call(() => this.backend.openThread(this.threadId, this.older));
    this.loadingOlder = false;
    if (r.status === "error") {
      this.error = r.error;
      return false;
    }
    const known = new Set(this.messages.map((m) => m.id));
    this.messages = this.messages.concat(r.data.messages.items.filter((m) => !known.has(m.id)));
    this.older = r.data.messages.next;
    return true;
  }

  /**
   * Reads the page just newer than the newest loaded (scrolling down from a search hit);
   * answers whether anything was added. Reaching the newest marks the thread read.
   */
  async loadNewer(): Promise<boolean> {
    const newest = this.messages[0];
    if (!this.hasNewer || !newest || this.loadingNewer) return false;
    this.loadingNewer = true;
    const r = await call(() => this.backend.newerMessages(this.threadId, newest.id));
    this.loadingNewer = false;
    if (r.status === "error") {
      this.error = r.error;
      return false;
    }
    // Jumped to the latest meanwhile: that page already holds these.
    if (!this.hasNewer) return false;
    const known = new Set(this.messages.map((m) => m.id));
    const added = r.data.items.filter((m) => !known.has(m.id));
    this.pagedTo = added[0]?.id ?? this.pagedTo;
    this.messages = [...added, ...this.messages].sort(newerFirst);
    this.hasNewer = r.data.has_newer;
    if (!this.hasNewer && (this.thread?.unread_count ?? 0) > 0) void this.markRead();
    return added.length > 0;
  }

  upsert(m: Message) {
    if (m.thread_id !== this.threadId) return;
    const i = this.messages.findIndex((x) => x.id === m.id);
    if (i >= 0) {
      const next = this.messages.slice();
      next[i] = m;
      this.messages = next;
      return;
    }
    // Older than everything loaded and more pages to come: its page will bring it.
    const oldest = this.messages[this.messages.length - 1];
    if (this.older && oldest && newerFirst(m, oldest) > 0) return;
    // Newer than a hit's page while newer pages are not loaded: "Jump to latest" brings it.
    const newest = this.messages[0];
    if (this.hasNewer && newest && newerFirst(m, newest) < 0) return;
    this.messages = [...this.messages, m].sort(newerFirst);
  }

  async refreshMessage(id: number) {
    const r = await call(() => this.backend.getMessage(id));
    if (r.status === "ok") {
      this.upsert(r.data);
      if (r.data.direction === "in" && r.data.state === "unread") void this.markRead();
    }
  }

  async refreshThread() {
    const r = await call(() => this.backend.threadSummary(this.threadId));
    if (r.status === "ok") this.thread = r.data;
  }

  handle(events: AppEvent[]) {
    const messages = new Set<number>();
    let thread = false;
    for (const e of events) {
      if (e.type === "resync" || e.type === "contact_changed") {
        void this.open();
        return;
      }
      if ((e.type === "message_added" || e.type === "delivery_changed") && e.thread_id === this.threadId) {
        messages.add(e.message_id);
      } else if (e.type === "thread_changed" && e.thread_id === this.threadId) {
        thread = true;
      } else if (
        e.type === "consent_changed" &&
        this.thread?.participants.some((p) => p.address === e.number)
      ) {
        thread = true;
      }
    }
    messages.forEach((id) => void this.refreshMessage(id));
    if (thread) void this.refreshThread();
  }
}
