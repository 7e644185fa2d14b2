// Compliance in the UI: the backend calls the composer, the Compliance view and the
// contact page use, and the words they show. The rules live in the engine; this only asks
// (preflight, ledger, statuses) and presents the answers. Ledger text comes from anyone who
// texted us: components render it as text, never as HTML.
import {
  commands,
  type ConsentEntry,
  type ConsentEventKind,
  type ConsentEvidence,
  type ConsentState,
  type CsvExport,
  type LedgerPage,
  type LedgerQuery,
  type NumberConsent,
  type OptInInput,
  type OptInSource,
  type OutgoingAttachment,
  type Preflight,
  type RecipientCheck,
  type Recipients,
} from "./bindings";
import type { Result } from "./backend";
import { formatNumber } from "./format";

export type {
  ConsentEntry,
  ConsentEventKind,
  ConsentEvidence,
  ConsentState,
  CsvExport,
  LedgerPage,
  LedgerQuery,
  NumberConsent,
  OptInInput,
  OptInSource,
  Preflight,
  RecipientCheck,
};

/** The compliance half of the backend interface (`Backend` extends it). */
export interface ComplianceBackend {
  /** What sending to `to` would do: skipped, blocked, held by quiet hours, the footer. */
  preflight(to: Recipients): Promise<Result<Preflight>>;
  /** A page of the consent ledger, newest first. */
  consentLedger(query: LedgerQuery, after: string | null): Promise<Result<LedgerPage>>;
  /** A number's consent events, newest first. */
  consentHistory(number: string): Promise<Result<ConsentEntry[]>>;
  consentStatuses(numbers: string[]): Promise<Result<NumberConsent[]>>;
  recordOptIn(input: OptInInput): Promise<Result<null>>;
  /** "Export CSV…": the backend asks where with the native dialog and writes the ledger
   * there; `null` when the user cancelled. */
  exportConsentCsv(): Promise<Result<CsvExport | null>>;
  /** Records prior consents from a CSV file, all rows or none; answers how many. */
  importConsentCsv(file: OutgoingAttachment): Promise<Result<number>>;
  /** A linked successor of a group without those who opted out; answers its thread id. */
  startGroupWithoutOptedOut(threadId: number): Promise<Result<number>>;
}

/** The ledger's page size in the Compliance view. */
export const LEDGER_PAGE = 100;

export const tauriCompliance: ComplianceBackend = {
  preflight: (to) => commands.preflightSend(to),
  consentLedger: (query, after) => commands.consentLedger(query, after, LEDGER_PAGE),
  consentHistory: (number) => commands.consentHistory(number),
  consentStatuses: (numbers) => commands.consentStatuses(numbers),
  recordOptIn: (input) => commands.recordOptInConsent(input),
  exportConsentCsv: () => commands.exportConsentCsv(),
  importConsentCsv: (file) => commands.importConsentCsv(file),
  startGroupWithoutOptedOut: (threadId) => commands.startGroupWithoutOptedOut(threadId),
};

export const KIND_LABELS: Record<ConsentEventKind, string> = {
  opt_out: "Opted out",
  opt_in: "Opted in",
  confirmation_sent: "Confirmation sent",
  disclosure_sent: "Opt-out notice sent",
};

export const ALL_KINDS: ConsentEventKind[] = ["opt_out", "opt_in", "confirmation_sent", "disclosure_sent"];

export const SOURCE_LABELS: Record<OptInSource, string> = {
  keyword: "Keyword texted in",
  web_form: "Web sign-up form",
  paper_form: "Paper form",
  verbal: "Verbal",
};

/** A ledger source as people read it (`inbound keyword:stop` → "Texted “STOP”"). */
export function sourceLabel(source: string): string {
  if (source in SOURCE_LABELS) return SOURCE_LABELS[source as OptInSource];
  if (source === "automatic") return "Automatic";
  const paper = /^paper_form:\s*(.+)$/.exec(source);
  if (paper) return `Paper form (${paper[1]})`;
  if (source === "import") return "Imported";
  // An inbound text, with the classifier's rule: `inbound keyword:stop`, `inbound
  // phrase:remove-me-from-list`.
  const inbound = /^inbound\s+(.*)$/.exec(source);
  if (inbound) {
    const [kind, ...rest] = inbound[1].split(":");
    const what = rest.join(":");
    if (kind === "keyword" && what) return `Texted “${what.toUpperCase()}”`;
    if (kind === "phrase" && what) return `Texted a request (${what.replace(/[-_]/g, " ")})`;
    return `Text: ${inbound[1].replace(/_/g, " ")}`;
  }
  return source.replace(/_/g, " ");
}

/** Evidence as one line of text (the message's words when it is a text). */
export function evidenceText(e: ConsentEvidence): string {
  switch (e.kind) {
    case "text":
      return e.text;
    case "file":
      return `Scanned form (kept in the media folder, ${e.sha256.slice(0, 12)}…)`;
    case "message":
      return e.body !== null ? `“${e.body}”` : `Message #${e.message_id} (no longer stored)`;
  }
}

// Formatters made once (see format.ts: a new one per call costs native memory until the
// garbage collector runs, and the ledger can be long).
const US_TIME = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit" });
const US_DAY = new Intl.DateTimeFormat("en-US", { weekday: "short", month: "short", day: "numeric" });
const US_LEDGER = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
});

/** A time of day, "8:00 AM", with the day when it is not today ("Tue 8:00 AM"). */
export function scheduleTime(ms: number, now = Date.now()): string {
  const at = new Date(ms);
  const time = US_TIME.format(at);
  const today = new Date(now);
  if (at.toDateString() === today.toDateString()) return time;
  const tomorrow = new Date(now);
  tomorrow.setDate(tomorrow.getDate() + 1);
  if (at.toDateString() === tomorrow.toDateString()) return `tomorrow ${time}`;
  return `${US_DAY.format(at)} ${time}`;
}

/** A ledger time: date and time. */
export function ledgerTime(ms: number): string {
  return US_LEDGER.format(ms);
}

/** A date input's value (YYYY-MM-DD, local) as the first or last millisecond of that day. */
export function dayBound(value: string, end: boolean): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const day = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (end) day.setHours(23, 59, 59, 999);
  return day.getTime();
}

/** A datetime-local input's value as Unix ms (local time), or null. */
export function localDateTime(value: string): number | null {
  if (!value) return null;
  const t = new Date(value).getTime();
  return Number.isFinite(t) ? t : null;
}

/** The name shown for a recipient check. */
export function checkName(r: RecipientCheck): string {
  return r.name ?? formatNumber(r.number);
}

/** "Dana", "Dana and Sam", "Dana, Sam and Chris". */
export function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** What the composer should say about a preflight, and whether Send is allowed. */
export type PreflightView = {
  /** Nothing can be sent: the reason (Send disabled). */
  blocked: string | null;
  /** Who will be skipped because they opted out. */
  skipped: RecipientCheck[];
  /** Who will get it. */
  remaining: RecipientCheck[];
  /** Recipients with no opt-in on record (a warning unless `blocked`). */
  noOptIn: RecipientCheck[];
  /** When quiet hours hold the message. */
  scheduledAt: number | null;
  footer: string | null;
};

export function preflightView(p: Preflight): PreflightView {
  const skipped = p.recipients.filter((r) => r.opted_out);
  const remaining = p.recipients.filter((r) => !r.opted_out);
  let blocked = p.blocked?.message ?? null;
  // Nobody left to text: say who by name (the engine's message names numbers), and say it
  // even if the engine did not.
  if ((p.blocked?.code === "opted_out" || !blocked) && p.recipients.length > 0 && remaining.length === 0) {
    blocked = `${joinNames(skipped.map(checkName))} opted out (texted STOP); nobody here can be texted.`;
  }
  return {
    blocked,
    skipped,
    remaining,
    noOptIn: remaining.filter((r) => r.no_opt_in),
    scheduledAt: p.scheduled_at,
    footer: p.footer,
  };
}

/** The state of a set of numbers for a badge: opted out if any is. */
export function anyOptedOut(list: { status: ConsentState }[]): boolean {
  return list.some((n) => n.status === "opted_out");
}
