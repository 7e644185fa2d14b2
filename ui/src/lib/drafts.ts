// What the user has typed and attached per conversation, kept while the app runs so
// switching threads never loses a half-written message.
export type Draft = { text: string; files: File[] };

const drafts = new Map<string, Draft>();

export function getDraft(key: string): Draft {
  return drafts.get(key) ?? { text: "", files: [] };
}

export function setDraft(key: string, draft: Draft) {
  if (!draft.text && draft.files.length === 0) drafts.delete(key);
  else drafts.set(key, { text: draft.text, files: [...draft.files] });
}

export function clearDrafts() {
  drafts.clear();
}

/** A file's bytes as base64, for the send command. */
export async function fileToBase64(file: File): Promise<string> {
  const buf = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < buf.length; i += chunk) {
    binary += String.fromCharCode(...buf.subarray(i, i + chunk));
  }
  return btoa(binary);
}
