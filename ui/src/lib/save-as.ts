// "Save as…" answers as the window shows them. The backend opens the native save dialog
// and writes where the user chose (the window never names a path); a cancel answers null
// and shows nothing. Without a dialog the backend saves to the default folder and says so.
import type { Result } from "./backend";

/** Where a save went: a `SavedFile`, or a `CsvExport`. */
export type Saved = { path: string; fallback: boolean };

/** The line shown after a save: where it went, or the backend's error. */
export type SaveNote = { text: string; error: boolean };

/** "Saved to PATH" (`what`, e.g. "4 entries", after "Saved"); a fallback says why there
 * was no dialog. */
export function savedText(saved: Saved, what?: string): string {
  const text = `${what ? `saved ${what}` : "saved"} to ${saved.path}`;
  return saved.fallback ? `No save dialog could be opened; ${text}` : text[0].toUpperCase() + text.slice(1);
}

/** What to show for a "Save as…" answer: nothing for a cancel. */
export function saveNote(r: Result<Saved | null>): SaveNote | null {
  if (r.status === "error") return { text: `${r.error.message} (${r.error.code})`, error: true };
  return r.data ? { text: savedText(r.data), error: false } : null;
}
