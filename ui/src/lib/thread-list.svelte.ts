// The conversation list's state: pages of threads from the store, kept current by engine
// events (each event names a thread; only that row is re-read).
import { call, type AppEvent, type Backend, type IpcError, type ThreadSummary } from "./backend";

function order(a: ThreadSummary, b: ThreadSummary): number {
  return (
    Number(b.pinned) - Number(a.pinned) || b.last_activity - a.last_activity || b.id - a.id
  );
}

export class ThreadListState {
  /** Replaced, never mutated in place ($state.raw: 10,000 rows are not each a proxy). */
  threads = $state.raw<ThreadSummary[]>([]);
  /** Showing the archive instead of the inbox. */
  archived = $state(false);
  next = $state<string | null>(null);
  loading = $state(false);
  loaded = $state(false);
  error = $state<IpcError | null>(null);
  /** Unread counts of every thread seen, for the window title. */
  #unread = $state<Record<number, number>>({});
  /** Threads an event named while a load was on its way: re-read after it lands. */
  #changedDuringLoad: Set<number> | null = null;

  constructor(private backend: Backend) {}

  /** Unread messages in unmuted inbox threads. */
  get unreadTotal(): number {
    return Object.values(this.#unread).reduce((a, b) => a + b, 0);
  }

  #note(t: ThreadSummary) {
    this.#unread[t.id] = t.archived || t.muted ? 0 : t.unread_count;
  }

  async load() {
    this.loading = true;
    const archived = this.archived;
    const changed = new Set<number>();
    this.#changedDuringLoad = changed;
    const r = await call(() => this.backend.listThreads(archived, null));
    if (this.#changedDuringLoad === changed) this.#changedDuringLoad = null;
    if (archived !== this.archived) return;
    this.loading = false;
    this.loaded = true;
    if (r.status === "error") {
      this.error = r.error;
      return;
    }
    this.error = null;
    this.threads = r.data.items;
    this.next = r.data.next;
    r.data.items.forEach((t) => this.#note(t));
    changed.forEach((id) => void this.refresh(id));
  }

  async loadMore() {
    if (!this.next || this.loading) return;
    this.loading = true;
    const r = await call(() => this.backend.listThreads(this.archived, this.next));
    this.loading = false;
    if (r.status === "error") {
      this.error = r.error;
      return;
    }
    const known = new Set(this.threads.map((t) => t.id));
    this.threads = this.threads.concat(r.data.items.filter((t) => !known.has(t.id)));
    this.next = r.data.next;
    r.data.items.forEach((t) => this.#note(t));
  }

  async showArchived(archived: boolean) {
    if (archived === this.archived) return;
    this.archived = archived;
    this.threads = [];
    this.next = null;
    await this.load();
  }

  /** Puts a fresh row where it belongs (or drops it when it left this view). */
  upsert(t: ThreadSummary) {
    this.#note(t);
    const rest = this.threads.filter((x) => x.id !== t.id);
    if (t.archived === this.archived) {
      // A row below the loaded pages stays for its page to bring, unless it moved up.
      const last = rest[rest.length - 1];
      if (!this.next || !last || order(t, last) <= 0) rest.push(t);
    }
    rest.sort(order);
    this.threads = rest;
  }

  async refresh(threadId: number) {
    this.#changedDuringLoad?.add(threadId);
    const r = await call(() => this.backend.threadSummary(threadId));
    if (r.status === "ok") this.upsert(r.data);
  }

  handle(events: AppEvent[]) {
    const changed = new Set<number>();
    let reload = false;
    for (const e of events) {
      if (e.type === "thread_changed" || e.type === "message_added") changed.add(e.thread_id);
      else if (e.type === "contact_changed" || e.type === "resync") reload = true;
      // An opt-out or opt-in: every loaded row with that person shows its badge anew
      // (the event and the participants are both canonical numbers).
      else if (e.type === "consent_changed")
        for (const t of this.threads)
          if (t.participants.some((p) => p.address === e.number)) changed.add(t.id);
    }
    if (reload) void this.load();
    else changed.forEach((id) => void this.refresh(id));
  }
}
