// Numbers' consent standing for badges where the number is not a thread participant (a
// contact, a typed number): asked in batches, kept while the app runs, and asked again
// when the ledger records something for the number (or everything, after a resync).
import { SvelteMap } from "svelte/reactivity";
import { call, type AppEvent, type Backend } from "./backend";
import type { ConsentState } from "./compliance";

export class ConsentLookup {
  #backend: Backend;
  #known = new SvelteMap<string, ConsentState>();
  #wanted = new Set<string>();
  #queued = false;
  /** The last error, if a lookup failed (badges then show nothing rather than guess). */
  error = $state<string | null>(null);

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /** The standing of `number` if known; `want` it first. */
  status(number: string): ConsentState | undefined {
    return this.#known.get(number);
  }

  /** Asks for the numbers not known yet, in one call per tick. */
  want(numbers: string[]) {
    for (const n of numbers) if (!this.#known.has(n)) this.#wanted.add(n);
    this.#schedule();
  }

  #schedule() {
    if (this.#wanted.size === 0 || this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => void this.#fetch());
  }

  async #fetch() {
    this.#queued = false;
    const numbers = [...this.#wanted];
    this.#wanted.clear();
    if (numbers.length === 0) return;
    const r = await call(() => this.#backend.consentStatuses(numbers));
    if (r.status === "error") {
      this.error = r.error.message;
      return;
    }
    this.error = null;
    for (const n of r.data) this.#known.set(n.number, n.status);
  }

  /** Re-asks everything known (after events that may have changed a standing). */
  refresh() {
    for (const n of this.#known.keys()) this.#wanted.add(n);
    this.#schedule();
  }

  handle(events: AppEvent[]) {
    if (events.some((e) => e.type === "resync")) {
      this.refresh();
      return;
    }
    // The event names the canonical number; badges may have asked in another format, so
    // each known number is compared by its digits.
    const changed = new Set(
      events.flatMap((e) => (e.type === "consent_changed" ? [digits(e.number)] : [])),
    );
    if (changed.size === 0) return;
    for (const n of this.#known.keys()) if (changed.has(digits(n))) this.#wanted.add(n);
    this.#schedule();
  }
}

/** The last ten digits of a number (a US number however it was typed); other addresses as
 * they are, lowercased. */
function digits(number: string): string {
  const d = number.replace(/\D/g, "");
  return d.length >= 10 ? d.slice(-10) : number.trim().toLowerCase();
}

const lookups = new WeakMap<Backend, ConsentLookup>();

/** The one lookup per backend; it follows the backend's events from first use. */
export function consentLookup(backend: Backend): ConsentLookup {
  let l = lookups.get(backend);
  if (!l) {
    const lookup = new ConsentLookup(backend);
    backend.onEvents((events) => lookup.handle(events));
    lookups.set(backend, lookup);
    l = lookup;
  }
  return l;
}
