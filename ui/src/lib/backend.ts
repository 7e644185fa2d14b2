// The one interface between the UI and the Rust backend. Components receive a `Backend`
// rather than calling Tauri directly, so tests (and a plain browser) can supply another.
import { convertFileSrc } from "@tauri-apps/api/core";
import { getCurrentWindow } from "@tauri-apps/api/window";
import {
  commands,
  events,
  type AppEvent,
  type Contact,
  type ContactInput,
  type ContactPage,
  type Delivery,
  type DeliveryState,
  type DesktopStatus,
  type EngineState,
  type IpcError,
  type Message,
  type MessageHit,
  type NewerMessages,
  type OutgoingAttachment,
  type Part,
  type Participant,
  type Recipients,
  type SavedFile,
  type SearchResults,
  type SendRequest,
  type Sent,
  type SnippetPiece,
  type ThreadPage,
  type ThreadSummary,
  type ThreadView,
  type ThreadViewAt,
  type SettingsView,
  type ProfileInput,
  type ConnectionTest,
  type SizeAction,
  type SizeMeter,
  type SizeMeterPart,
  type StoreState,
  type UpgradeProgress,
} from "./bindings";
import { tauriCompliance, type ComplianceBackend } from "./compliance";

export type {
  AppEvent,
  Contact,
  ContactInput,
  ContactPage,
  Delivery,
  DeliveryState,
  DesktopStatus,
  EngineState,
  IpcError,
  Message,
  MessageHit,
  NewerMessages,
  OutgoingAttachment,
  Part,
  Participant,
  Recipients,
  SavedFile,
  SearchResults,
  SendRequest,
  Sent,
  SnippetPiece,
  ThreadPage,
  ThreadSummary,
  ThreadView,
  ThreadViewAt,
  SettingsView,
  ProfileInput,
  ConnectionTest,
  SizeAction,
  SizeMeter,
  SizeMeterPart,
  StoreState,
  UpgradeProgress,
};

export type Result<T, E = IpcError> = { status: "ok"; data: T } | { status: "error"; error: E };

/** The media protocol's scheme (src-tauri/src/media.rs). */
export const MEDIA_SCHEME = "glmedia";

export interface Backend extends ComplianceBackend {
  /** Whether the store is open yet (the first open after an update may upgrade it). */
  storeState(): Promise<StoreState>;
  /** The app version, data directory, schema version, and the pipelines' state. */
  appStatus(): Promise<Result<DesktopStatus>>;
  listThreads(archived: boolean, after: string | null): Promise<Result<ThreadPage>>;
  /** A thread and a page of its messages, newest first; `before` reads older ones. */
  openThread(threadId: number, before: string | null): Promise<Result<ThreadView>>;
  /** A thread opened at one message (a search hit): the messages around it. */
  openThreadAt(threadId: number, messageId: number): Promise<Result<ThreadViewAt>>;
  /** The page just newer than `afterMessageId`, newest first (scrolling down from a hit). */
  newerMessages(threadId: number, afterMessageId: number): Promise<Result<NewerMessages>>;
  threadSummary(threadId: number): Promise<Result<ThreadSummary>>;
  getMessage(messageId: number): Promise<Result<Message>>;
  sendMessage(request: SendRequest): Promise<Result<Sent>>;
  /** Sends a failed message again to the recipients it failed for; answers how many. */
  retryMessage(messageId: number): Promise<Result<number>>;
  markThreadRead(threadId: number): Promise<Result<null>>;
  setThreadPinned(threadId: number, pinned: boolean): Promise<Result<null>>;
  setThreadArchived(threadId: number, archived: boolean): Promise<Result<null>>;
  setThreadMuted(threadId: number, muted: boolean): Promise<Result<null>>;
  renameThread(threadId: number, title: string | null): Promise<Result<null>>;
  search(text: string): Promise<Result<SearchResults>>;
  listContacts(after: string | null): Promise<Result<ContactPage>>;
  addContact(contact: ContactInput): Promise<Result<number>>;
  updateContact(contactId: number, contact: ContactInput): Promise<Result<null>>;
  /** The provider configuration (Settings). Changes apply at the next start. */
  getSettings(): Promise<Result<SettingsView>>;
  saveProfile(profile: ProfileInput): Promise<Result<SettingsView>>;
  /** Chooses the provider profile used from the next start (`demo` for the demo). */
  useProvider(name: string): Promise<Result<SettingsView>>;
  setDefaultRegion(region: string): Promise<Result<SettingsView>>;
  /** Proves a profile's endpoint and credentials answer, sending nothing billable. */
  testConnection(name: string): Promise<Result<ConnectionTest>>;
  /** "Save as…": the backend asks where with the native dialog and copies the stored file
   * there; answers where it went, or `null` when the user cancelled. */
  saveMedia(sha256: string, fileName: string): Promise<Result<SavedFile | null>>;
  /** Opens a received file in the desktop's app for its kind (refused for kinds that run). */
  openMedia(sha256: string, fileName: string): Promise<Result<null>>;
  /** How big this message will be for the recipients' carriers, and what will be
   * downscaled or converted to fit (the composer's size meter). */
  sizeMeter(to: Recipients, text: string, attachments: OutgoingAttachment[]): Promise<Result<SizeMeter>>;
  /** Continues a conversation with other people: MMS groups cannot change members, so this
   * is a new conversation linked to the old one (or the existing one among those people);
   * answers its thread id. */
  continueThreadWith(threadId: number, participants: string[]): Promise<Result<number>>;
  /** Calls `handler` with each batch of engine events; returns the unsubscribe. */
  onEvents(handler: (events: AppEvent[]) => void): () => void;
  /** The URL of a stored media file (by its sha256) through the scoped protocol. */
  mediaUrl(sha256: string): string;
  /** The native window's title (the unread count). */
  setTitle(title: string): void;
  /** A desktop notification for a message in `threadId` (clicking it comes back as a
   * `notification_clicked` event). Resolves `false` when the desktop has no notification
   * service, so the window shows it instead; never rejects. */
  notify(n: { threadId: number; title: string; body: string }): Promise<boolean>;
}

export const tauriBackend: Backend = {
  ...tauriCompliance,
  storeState: () => commands.storeState(),
  appStatus: () => commands.appStatus(),
  listThreads: (archived, after) => commands.listThreads(archived, after, 50),
  openThread: (threadId, before) => commands.openThread(threadId, before, 50),
  openThreadAt: (threadId, messageId) => commands.openThreadAt(threadId, messageId, 50),
  newerMessages: (threadId, afterMessageId) => commands.newerMessages(threadId, afterMessageId, 50),
  threadSummary: (threadId) => commands.threadSummary(threadId),
  getMessage: (messageId) => commands.getMessage(messageId),
  sendMessage: (request) => commands.sendMessage(request),
  retryMessage: (messageId) => commands.retryMessage(messageId),
  markThreadRead: (threadId) => commands.markThreadRead(threadId),
  setThreadPinned: (threadId, on) => commands.setThreadPinned(threadId, on),
  setThreadArchived: (threadId, on) => commands.setThreadArchived(threadId, on),
  setThreadMuted: (threadId, on) => commands.setThreadMuted(threadId, on),
  renameThread: (threadId, title) => commands.renameThread(threadId, title),
  search: (text) => commands.search(text, null, 30),
  listContacts: (after) => commands.listContacts(after, 200),
  addContact: (contact) => commands.addContact(contact),
  updateContact: (contactId, contact) => commands.updateContact(contactId, contact),
  getSettings: () => commands.getSettings(),
  saveProfile: (profile) => commands.saveProfile(profile),
  useProvider: (name) => commands.useProvider(name),
  setDefaultRegion: (region) => commands.setDefaultRegion(region),
  testConnection: (name) => commands.testConnection(name),
  saveMedia: (sha256, fileName) => commands.saveMedia(sha256, fileName),
  openMedia: (sha256, fileName) => commands.openMedia(sha256, fileName),
  sizeMeter: (to, text, attachments) => commands.sizeMeter(to, text, attachments),
  continueThreadWith: (threadId, participants) => commands.continueThreadWith(threadId, participants),
  onEvents(handler) {
    let stopped = false;
    let unlisten: (() => void) | null = null;
    events.engineEvents
      .listen((e) => handler(e.payload.events))
      .then((u) => {
        if (stopped) u();
        else unlisten = u;
      })
      .catch((e) => {
        // Without events the UI still works, just without live updates; say so once.
        console.warn("cannot listen to engine events", asIpcError(e).message);
      });
    return () => {
      stopped = true;
      unlisten?.();
    };
  },
  mediaUrl: (sha256) => convertFileSrc(sha256, MEDIA_SCHEME),
  setTitle(title) {
    document.title = title;
    getCurrentWindow()
      .setTitle(title)
      .catch(() => {
        // The page title above still shows it; a window without the permission is fine.
      });
  },
  async notify({ threadId, title, body }) {
    const r = await call(() => commands.showDesktopNotification(threadId, title, body));
    return r.status === "ok" && r.data;
  },
};

/** Turns anything a failed call produced into an error the UI can show. */
export function asIpcError(e: unknown): IpcError {
  if (e && typeof e === "object" && "code" in e && "message" in e) return e as IpcError;
  return { code: "internal", message: e instanceof Error ? e.message : String(e) };
}

/** Runs a backend call, turning a rejected promise into an error result. */
export async function call<T>(p: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await p();
  } catch (e) {
    return { status: "error", error: asIpcError(e) };
  }
}
