// The compliance half of the fake backend (FakeBackend extends it): a ledger in memory,
// a preflight answer the test sets, and the calls recorded. Only tests import it.
import type { IpcError, Recipients, Result } from "./backend";
import type {
  ComplianceBackend,
  ConsentEntry,
  CsvExport,
  LedgerPage,
  LedgerQuery,
  NumberConsent,
  OptInInput,
  Preflight,
  RecipientCheck,
} from "./compliance";
import type { OutgoingAttachment } from "./bindings";

const ok = <T>(data: T): Promise<Result<T>> => Promise.resolve({ status: "ok", data });
const err = <T>(error: IpcError): Promise<Result<T>> => Promise.resolve({ status: "error", error });

/** jsdom's Blob has no arrayBuffer(); the app reads files with it (drafts.fileToBase64). */
export function polyfillBlobArrayBuffer() {
  if (typeof Blob.prototype.arrayBuffer === "function") return;
  Blob.prototype.arrayBuffer = function (this: Blob) {
    return new Promise<ArrayBuffer>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as ArrayBuffer);
      reader.onerror = () => reject(reader.error);
      reader.readAsArrayBuffer(this);
    });
  };
}

export function check(over: Partial<RecipientCheck> & { number: string }): RecipientCheck {
  return {
    name: null,
    consent: "unknown",
    opted_out: false,
    no_opt_in: false,
    quiet_until: null,
    needs_footer: false,
    ...over,
  };
}

export function consentEntry(over: Partial<ConsentEntry> & { id: number }): ConsentEntry {
  return {
    number: "+12025550166",
    name: null,
    kind: "opt_out",
    source: "inbound keyword:stop",
    evidence: { kind: "text", text: "Stop." },
    agent: null,
    at: 1_700_000_000_000,
    ...over,
  };
}

export const CLEAR: Preflight = { recipients: [], blocked: null, scheduled_at: null, footer: null, broadcast: false };

export class FakeCompliance implements ComplianceBackend {
  /** What `preflight` answers (a function sees the audience). */
  preflightAnswer: Preflight | ((to: Recipients) => Preflight) = CLEAR;
  preflightCalls: Recipients[] = [];
  ledgerEntries: ConsentEntry[] = [];
  ledgerQueries: { query: LedgerQuery; after: string | null }[] = [];
  /** Entries per page (the real page is larger). */
  ledgerPageSize = 100;
  optedOutNumbers = new Set<string>();
  optIns: OptInInput[] = [];
  imports: OutgoingAttachment[] = [];
  exports = 0;
  successorsOf: number[] = [];
  /** The next call of that name fails with this error. */
  failures: Partial<Record<keyof ComplianceBackend, IpcError>> = {};

  #fail<T>(name: keyof ComplianceBackend): Promise<Result<T>> | null {
    const e = this.failures[name];
    if (!e) return null;
    delete this.failures[name];
    return err(e);
  }

  preflight = (to: Recipients) => {
    this.preflightCalls.push(to);
    const answer = typeof this.preflightAnswer === "function" ? this.preflightAnswer(to) : this.preflightAnswer;
    return this.#fail<Preflight>("preflight") ?? ok(answer);
  };

  consentLedger = (query: LedgerQuery, after: string | null): Promise<Result<LedgerPage>> => {
    this.ledgerQueries.push({ query, after });
    const failed = this.#fail<LedgerPage>("consentLedger");
    if (failed) return failed;
    const text = query.text?.toLowerCase() ?? null;
    const matching = [...this.ledgerEntries]
      .sort((a, b) => b.id - a.id)
      .filter(
        (e) =>
          (query.kinds.length === 0 || query.kinds.includes(e.kind)) &&
          (query.from === null || e.at >= query.from) &&
          (query.to === null || e.at <= query.to) &&
          (text === null || JSON.stringify([e.number, e.name, e.evidence]).toLowerCase().includes(text)),
      );
    const start = after === null ? 0 : matching.findIndex((e) => e.id < Number(after));
    const items = start < 0 ? [] : matching.slice(start, start + this.ledgerPageSize);
    const more = start >= 0 && start + this.ledgerPageSize < matching.length;
    return ok({ items, next: more ? String(items[items.length - 1].id) : null, total: matching.length });
  };

  consentHistory = (number: string) =>
    this.#fail<ConsentEntry[]>("consentHistory") ??
    ok(this.ledgerEntries.filter((e) => e.number === number).sort((a, b) => b.id - a.id));

  consentStatuses = (numbers: string[]) =>
    this.#fail<NumberConsent[]>("consentStatuses") ??
    ok(
      numbers.map(
        (number): NumberConsent => ({ number, status: this.optedOutNumbers.has(number) ? "opted_out" : "unknown" }),
      ),
    );

  recordOptIn = (input: OptInInput) => {
    const failed = this.#fail<null>("recordOptIn");
    if (failed) return failed;
    this.optIns.push(input);
    return ok(null);
  };

  /** Where the user "chose" in the export's save dialog; `null` cancels it, and
   * `fallback` says no dialog could be shown. */
  exportTo: { path: string; fallback: boolean } | null = {
    path: "/home/me/Downloads/consent-ledger-20261123T031500Z.csv",
    fallback: false,
  };

  exportConsentCsv = () => {
    const failed = this.#fail<CsvExport | null>("exportConsentCsv");
    if (failed) return failed;
    if (!this.exportTo) return ok(null);
    this.exports += 1;
    return ok({ ...this.exportTo, events: this.ledgerEntries.length });
  };

  importConsentCsv = (file: OutgoingAttachment) => {
    const failed = this.#fail<number>("importConsentCsv");
    if (failed) return failed;
    this.imports.push(file);
    return ok(2);
  };

  startGroupWithoutOptedOut = (threadId: number) => {
    const failed = this.#fail<number>("startGroupWithoutOptedOut");
    if (failed) return failed;
    this.successorsOf.push(threadId);
    return ok(77);
  };
}
