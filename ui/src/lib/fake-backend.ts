// A Backend for component tests: in-memory threads and messages, recorded calls, and a
// way to push engine events. Only tests import it.
import type {
  AppEvent,
  Backend,
  ConnectionTest,
  ProfileInput,
  SettingsView,
  DesktopStatus,
  IpcError,
  Message,
  OutgoingAttachment,
  Participant,
  Recipients,
  Result,
  SavedFile,
  SendRequest,
  SizeMeter,
  StoreState,
  ThreadSummary,
} from "./backend";
import { FakeCompliance } from "./compliance-fake";

export const DAY = 24 * 3600 * 1000;

export function thread(over: Partial<ThreadSummary> & { id: number }): ThreadSummary {
  return {
    kind: "group",
    title: null,
    participants: [
      { address: "+12025550111", name: "Dana Reyes", opted_out: false, carrier: null },
      { address: "+12025550122", name: "Sam Okafor", opted_out: false, carrier: null },
    ],
    created_at: 0,
    last_activity: Date.now(),
    unread_count: 0,
    message_count: 1,
    pinned: false,
    archived: false,
    muted: false,
    predecessor_id: null,
    last_message_id: null,
    last_preview: "Hello",
    last_author: "+12025550111",
    ...over,
  };
}

export function message(over: Partial<Message> & { id: number }): Message {
  return {
    thread_id: 1,
    direction: "in",
    author: "+12025550111",
    author_name: "Dana Reyes",
    body: "Hi",
    subject: null,
    at: Date.now(),
    state: "read",
    parts: [],
    deliveries: [],
    ...over,
  };
}

export const STATUS: DesktopStatus = {
  version: "0.1.0",
  data_dir: "/d",
  schema_version: 1,
  demo: true,
  engine: { state: "running" },
};

const ok = <T>(data: T): Promise<Result<T>> => Promise.resolve({ status: "ok", data });

export class FakeBackend extends FakeCompliance implements Backend {
  threads: ThreadSummary[] = [];
  messages: Message[] = [];
  sent: SendRequest[] = [];
  calls: string[] = [];
  status: DesktopStatus = STATUS;
  title = "";
  notified: { title: string; body: string }[] = [];
  /** Whether the "desktop" shows notifications (else the window's toasts do). */
  desktopNotifications = false;
  #handlers: ((e: AppEvent[]) => void)[] = [];

  emit(events: AppEvent[]) {
    this.#handlers.forEach((h) => h(events));
  }

  /** What `storeState` answers, in turn; the last one stays. */
  storeStates: StoreState[] = [{ state: "open" }];
  storeState = async () => (this.storeStates.length > 1 ? this.storeStates.shift()! : this.storeStates[0]);
  /** Rows per page of threads and of messages; everything in one page when null. */
  pageSize: number | null = null;

  /** One page of `all` after the cursor (an index, as a string). */
  #page<T>(all: T[], after: string | null): { items: T[]; next: string | null } {
    if (this.pageSize === null) return { items: all, next: null };
    const from = after ? Number(after) : 0;
    const to = from + this.pageSize;
    return { items: all.slice(from, to), next: to < all.length ? String(to) : null };
  }

  appStatus = () => ok(this.status);
  listThreads = (archived: boolean, after: string | null = null) => {
    this.calls.push(`list ${archived} ${after}`);
    return ok(
      this.#page(
        this.threads
          .filter((t) => t.archived === archived)
          .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.last_activity - a.last_activity),
        after,
      ),
    );
  };
  openThread: Backend["openThread"] = (threadId: number, before: string | null = null) => {
    this.calls.push(before ? `open ${threadId} before ${before}` : `open ${threadId}`);
    const t = this.threads.find((x) => x.id === threadId);
    if (!t) return Promise.resolve({ status: "error" as const, error: { code: "not_found" as const, message: "no such thread" } });
    const items = this.messages.filter((m) => m.thread_id === threadId).sort((a, b) => b.at - a.at || b.id - a.id);
    return ok({ thread: t, messages: this.#page(items, before) });
  };
  openThreadAt: Backend["openThreadAt"] = (threadId: number, messageId: number) => {
    this.calls.push(`open ${threadId} at ${messageId}`);
    const t = this.threads.find((x) => x.id === threadId);
    if (!t) return Promise.resolve({ status: "error" as const, error: { code: "not_found" as const, message: "no such thread" } });
    const all = this.messages.filter((m) => m.thread_id === threadId).sort((a, b) => b.at - a.at || b.id - a.id);
    const at = Math.max(0, all.findIndex((m) => m.id === messageId));
    const from = Math.max(0, at - 2);
    return ok({ thread: t, messages: { items: all.slice(from, at + 3), next: at + 3 < all.length && this.pageSize !== null ? String(at + 3) : null }, has_newer: from > 0 });
  };
  /** Pages newer than a message, `newerPageSize` at a time (small, so tests see paging). */
  newerPageSize = 3;
  newerMessages: Backend["newerMessages"] = (threadId: number, afterMessageId: number) => {
    this.calls.push(`newer ${threadId} after ${afterMessageId}`);
    const all = this.messages.filter((m) => m.thread_id === threadId).sort((a, b) => a.at - b.at || a.id - b.id);
    const after = all.findIndex((m) => m.id === afterMessageId);
    if (after < 0) return Promise.resolve({ status: "error" as const, error: { code: "not_found" as const, message: "no such message" } });
    const newer = all.slice(after + 1);
    return ok({ items: newer.slice(0, this.newerPageSize).reverse(), has_newer: newer.length > this.newerPageSize });
  };
  retried: number[] = [];
  retryMessage: Backend["retryMessage"] = (messageId: number) => {
    this.retried.push(messageId);
    return ok(1);
  };
  threadSummary = (threadId: number) => {
    this.calls.push(`summary ${threadId}`);
    const t = this.threads.find((x) => x.id === threadId);
    return t ? ok(t) : Promise.resolve({ status: "error" as const, error: { code: "not_found" as const, message: "gone" } });
  };
  getMessage = (id: number) => {
    const m = this.messages.find((x) => x.id === id);
    return m ? ok(m) : Promise.resolve({ status: "error" as const, error: { code: "not_found" as const, message: "gone" } });
  };
  sendMessage = (request: SendRequest) => {
    this.sent.push(request);
    const id = 1000 + this.sent.length;
    const threadId = request.to.kind === "thread" ? request.to.thread_id : 99;
    this.messages.push(message({ id, thread_id: threadId, direction: "out", author: "+12025550100", author_name: null, body: request.text, state: "sending" }));
    return ok({ thread_id: threadId, message_id: id, skipped_opted_out: [], scheduled_at: null, without_opt_in: [], footer_appended: false });
  };
  markThreadRead = (threadId: number) => {
    this.calls.push(`read ${threadId}`);
    return ok(null);
  };
  setThreadPinned = (threadId: number, on: boolean) => {
    this.calls.push(`pin ${threadId} ${on}`);
    return ok(null);
  };
  setThreadArchived = (threadId: number, on: boolean) => {
    this.calls.push(`archive ${threadId} ${on}`);
    return ok(null);
  };
  setThreadMuted = (threadId: number, on: boolean) => {
    this.calls.push(`mute ${threadId} ${on}`);
    return ok(null);
  };
  renameThread = (threadId: number, title: string | null) => {
    this.calls.push(`rename ${threadId} ${title}`);
    return ok(null);
  };
  search: Backend["search"] = () => ok({ threads: [], messages: { items: [], next: null } });
  listContacts: Backend["listContacts"] = () => ok({ items: [], next: null });
  addContact: Backend["addContact"] = () => ok(1);
  updateContact = () => ok(null);
  settings: SettingsView = {
    path: "/d/config.toml",
    secret_store: "file /d/secrets.toml",
    default_region: "US",
    active: "demo",
    profiles: [],
    relay_mode: "embedded",
    relay_address: "127.0.0.1:0",
  };
  savedProfiles: ProfileInput[] = [];
  getSettings = () => ok(this.settings);
  saveProfile = (profile: ProfileInput) => {
    this.savedProfiles.push(profile);
    const view = {
      name: profile.name,
      endpoint: profile.endpoint,
      vasp_id: profile.vasp_id,
      vas_id: profile.vas_id,
      sender: profile.sender,
      username: profile.username,
      password_set: Boolean(profile.password),
    };
    this.settings = {
      ...this.settings,
      active: profile.make_active ? profile.name : this.settings.active,
      profiles: [...this.settings.profiles.filter((p) => p.name !== profile.name), view],
    };
    return ok(this.settings);
  };
  useProvider = (name: string) => {
    this.settings = { ...this.settings, active: name };
    return ok(this.settings);
  };
  setDefaultRegion = (region: string) => {
    this.settings = { ...this.settings, default_region: region };
    return ok(this.settings);
  };
  connectionTest: ConnectionTest = { ok: true, kind: "mm7", summary: "The endpoint answers MM7.", url: "https://x/mm7", elapsed_ms: 12 };
  /** What `saveMedia` answers: by default the user chose Downloads and the file's name;
   * `null` is a cancelled dialog, an error a failed save. */
  saveAnswer: SavedFile | null | IpcError | undefined = undefined;
  saveMedia = (sha256: string, fileName: string): Promise<Result<SavedFile | null>> => {
    this.calls.push(`save ${sha256} ${fileName}`);
    const a = this.saveAnswer;
    if (a && "code" in a) return Promise.resolve({ status: "error", error: a });
    return ok(a === undefined ? { path: `/home/me/Downloads/${fileName}`, fallback: false } : a);
  };
  /** What `openMedia` answers: null when the desktop opened it, else the error. */
  openAnswer: IpcError | null = null;
  openMedia = (sha256: string, fileName: string): Promise<Result<null>> => {
    this.calls.push(`open-file ${sha256} ${fileName}`);
    const a = this.openAnswer;
    return a ? Promise.resolve({ status: "error", error: a }) : ok(null);
  };
  testConnection = (name: string) => {
    this.calls.push(`test ${name}`);
    return ok(this.connectionTest);
  };
  /** The size meter's answer (a test sets it); each call is recorded. */
  meter: SizeMeter = { budget_bytes: 1_250_000, carriers_known: true, original_total_bytes: 0, planned_total_bytes: 0, parts: [], refused: null };
  meterError: IpcError | null = null;
  meterCalls: { to: Recipients; text: string; attachments: OutgoingAttachment[] }[] = [];
  sizeMeter = (to: Recipients, text: string, attachments: OutgoingAttachment[]): Promise<Result<SizeMeter>> => {
    this.meterCalls.push({ to, text, attachments });
    if (this.meterError) return Promise.resolve({ status: "error", error: this.meterError });
    return ok(this.meter);
  };
  /** Each continuation asked for; it adds the successor thread (id 500, 501...). */
  continued: { threadId: number; participants: string[] }[] = [];
  continueError: IpcError | null = null;
  continueThreadWith = (threadId: number, participants: string[]): Promise<Result<number>> => {
    this.continued.push({ threadId, participants });
    if (this.continueError) return Promise.resolve({ status: "error", error: this.continueError });
    const id = 500 + this.continued.length - 1;
    this.threads.push(
      thread({
        id,
        predecessor_id: threadId,
        // As the backend would answer (carrier unknown for a new thread's people).
        participants: participants.map((address) => ({ address, name: null, opted_out: false, carrier: null }) as Participant),
      }),
    );
    return ok(id);
  };
  onEvents = (handler: (e: AppEvent[]) => void) => {
    this.#handlers.push(handler);
    return () => {
      this.#handlers = this.#handlers.filter((h) => h !== handler);
    };
  };
  mediaUrl = (sha256: string) => `glmedia://localhost/${sha256}`;
  setTitle = (title: string) => {
    this.title = title;
  };
  notify = async (n: { threadId: number; title: string; body: string }) => {
    this.notified.push({ title: n.title, body: n.body });
    return this.desktopNotifications;
  };
}
