// Pure helpers for showing threads and messages: names, numbers, times, colours, states.
import type { Delivery, DeliveryState, Message, Participant, ThreadSummary } from "./backend";

/** A North American number as (202) 555-0111; anything else as stored. */
export function formatNumber(address: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(address);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : address;
}

export function participantName(p: Participant): string {
  return p.name ?? formatNumber(p.address);
}

/** The thread's title, or its people's names. */
export function threadTitle(t: ThreadSummary): string {
  if (t.title) return t.title;
  if (t.participants.length === 0) return "Nobody";
  return t.participants.map(participantName).join(", ");
}

/** The name to show for an address in a thread (a participant, else the number). */
export function nameIn(t: ThreadSummary | null, address: string): string {
  const p = t?.participants.find((x) => x.address === address);
  return p ? participantName(p) : formatNumber(address);
}

/** The list's preview line: the last message, with its author in groups ("You" for ours). */
export function previewLine(t: ThreadSummary): string {
  const text = t.last_preview ?? "";
  if (!t.last_author) return text;
  const author = t.participants.find((p) => p.address === t.last_author);
  if (!author) return `You: ${text}`;
  if (t.kind === "group") return `${participantName(author)}: ${text}`;
  return text;
}

function sameDay(a: Date, b: Date): boolean {
  return (
    a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()
  );
}

/** A day key in local time, for day separators. */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

// Formatters made once. Date's toLocale*String(locale, options) makes a new ICU
// formatter on every call, and WebKit frees its native memory only when the garbage
// collector gets round to it: a long thread's thousands of times piled up hundreds of MB.
const DAY_THIS_YEAR = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric" });
const DAY_OTHER_YEAR = new Intl.DateTimeFormat(undefined, {
  weekday: "long",
  month: "long",
  day: "numeric",
  year: "numeric",
});
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const WEEKDAY = new Intl.DateTimeFormat(undefined, { weekday: "short" });
const MONTH_DAY = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

/** "Today", "Yesterday", or the date. */
export function dayLabel(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(now);
  if (sameDay(d, today)) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(today.getDate() - 1);
  if (sameDay(d, yesterday)) return "Yesterday";
  return (d.getFullYear() === today.getFullYear() ? DAY_THIS_YEAR : DAY_OTHER_YEAR).format(d);
}

export function clockTime(ms: number): string {
  return CLOCK.format(ms);
}

/** The list's time: the clock today, the weekday this week, else the date. */
export function listTime(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  if (sameDay(d, new Date(now))) return clockTime(ms);
  if (now - ms < 6 * 24 * 3600 * 1000) return WEEKDAY.format(d);
  return MONTH_DAY.format(d);
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10240 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const PALETTE = ["#c2410c", "#7c3aed", "#0f766e", "#b91c1c", "#1d4ed8", "#a16207", "#be185d", "#4d7c0f"];

/** A colour per participant that stays the same across runs and threads. */
export function colourFor(address: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) {
    h ^= address.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return PALETTE[h % PALETTE.length];
}

const FINAL_BAD: DeliveryState[] = ["failed", "expired", "rejected"];
const DELIVERED: DeliveryState[] = ["delivered", "read"];

export type OutState = "sending" | "sent" | "delivered" | "failed";

/** Where an outgoing message stands, from its state and its recipients' states. */
export function outState(m: Message): OutState {
  if (m.state === "failed" || m.deliveries.some((d) => FINAL_BAD.includes(d.state))) return "failed";
  if (m.state === "queued" || m.state === "sending") return "sending";
  if (m.deliveries.length > 0 && m.deliveries.every((d) => DELIVERED.includes(d.state))) {
    return "delivered";
  }
  return "sent";
}

export const OUT_STATE_LABEL: Record<OutState, string> = {
  sending: "Sending…",
  sent: "Sent",
  delivered: "Delivered",
  failed: "Failed",
};

export const DELIVERY_LABEL: Record<DeliveryState, string> = {
  queued: "Waiting",
  submitted: "Sending",
  accepted: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Failed",
  expired: "Expired",
  rejected: "Rejected",
};

/** The provider's reason for a failed recipient, as text. */
export function deliveryReason(d: Delivery): string | null {
  if (!FINAL_BAD.includes(d.state)) return null;
  const text = d.status_text?.trim();
  if (text && d.status_code != null) return `${text} (${d.status_code})`;
  if (text) return text;
  if (d.status_code != null) return `status ${d.status_code}`;
  return null;
}

/** The first failure reason of a message, for the line under its bubble. */
export function failureReason(m: Message): string | null {
  for (const d of m.deliveries) {
    const r = deliveryReason(d);
    if (r) return r;
  }
  return null;
}

/** Splits typed numbers (commas, semicolons, new lines), trims and merges duplicates. */
export function parseNumbers(raw: string): { numbers: string[]; invalid: string[] } {
  const seen = new Set<string>();
  const numbers: string[] = [];
  const invalid: string[] = [];
  for (const piece of raw.split(/[,;\n]+/)) {
    const n = piece.trim();
    if (!n) continue;
    const digits = n.replace(/\D/g, "");
    if (digits.length < 7 || digits.length > 15 || /[^\d\s()+.-]/.test(n)) {
      invalid.push(n);
      continue;
    }
    const key = digits.length === 10 ? `1${digits}` : digits;
    if (seen.has(key)) continue;
    seen.add(key);
    numbers.push(n);
  }
  return { numbers, invalid };
}
