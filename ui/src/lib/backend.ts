// The one interface between the UI and the Rust backend. Components receive a `Backend`
// rather than calling Tauri directly, so tests (and a plain browser) can supply another.
import { commands, type AppStatus, type IpcError } from "./bindings";

export type { AppStatus, IpcError };

export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

export interface Backend {
  /** The app version, data directory and store schema version. */
  appStatus(): Promise<Result<AppStatus, IpcError>>;
}

export const tauriBackend: Backend = {
  appStatus: () => commands.appStatus(),
};

/** Turns anything a failed call produced into an error the UI can show. */
export function asIpcError(e: unknown): IpcError {
  if (e && typeof e === "object" && "code" in e && "message" in e) return e as IpcError;
  return { code: "internal", message: e instanceof Error ? e.message : String(e) };
}
