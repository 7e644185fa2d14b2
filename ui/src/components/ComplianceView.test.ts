import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import ComplianceView from "./ComplianceView.svelte";
import App from "../App.svelte";
import { FakeBackend, message, thread } from "../lib/fake-backend";
import { consentEntry } from "../lib/compliance-fake";
import { dayBound } from "../lib/compliance";

import { polyfillBlobArrayBuffer } from "../lib/compliance-fake";

polyfillBlobArrayBuffer();
const DAY = 24 * 3600 * 1000;
const T0 = new Date(2026, 10, 20, 12, 0).getTime(); // 20 Nov 2026, noon local

function ledger() {
  const backend = new FakeBackend();
  backend.ledgerEntries = [
    consentEntry({
      id: 1,
      number: "+12025550111",
      name: "Dana Reyes",
      kind: "opt_in",
      source: "web_form",
      evidence: { kind: "text", text: "signup form #88" },
      at: T0 - 2 * DAY,
    }),
    consentEntry({
      id: 2,
      number: "+12025550166",
      name: "Tom Becker",
      kind: "opt_out",
      source: "inbound keyword:stop",
      evidence: { kind: "message", message_id: 41, thread_id: 7, body: "Stop." },
      at: T0,
    }),
    consentEntry({
      id: 3,
      number: "+12025550166",
      name: "Tom Becker",
      kind: "confirmation_sent",
      source: "automatic",
      evidence: { kind: "message", message_id: 42, thread_id: 8, body: "You have been unsubscribed" },
      at: T0 + 1000,
    }),
    consentEntry({
      id: 4,
      number: "<script>alert(1)</script>",
      name: null,
      kind: "opt_in",
      source: "verbal",
      evidence: { kind: "text", text: '<img src=x onerror="alert(2)">' },
      agent: "<b>Priya</b>",
      at: T0 + DAY,
    }),
  ];
  render(ComplianceView, { backend });
  return backend;
}

const rows = () => screen.queryAllByTestId("ledger-row");
const lastQuery = (b: FakeBackend) => b.ledgerQueries[b.ledgerQueries.length - 1];

describe("ComplianceView", () => {
  it("lists the ledger newest first with names, sources and evidence", async () => {
    ledger();
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(rows().map((r) => r.getAttribute("data-kind"))).toEqual([
      "opt_in",
      "confirmation_sent",
      "opt_out",
      "opt_in",
    ]);
    const stop = rows()[2];
    expect(stop.textContent).toContain("Tom Becker");
    expect(stop.textContent).toContain("(202) 555-0166");
    expect(within(stop).getByTestId("ledger-kind").textContent).toBe("Opted out");
    expect(within(stop).getByTestId("ledger-evidence").textContent).toContain("“Stop.”");
    expect(stop.textContent).toContain("Texted “STOP”");
    expect(screen.getByTestId("ledger-count").textContent).toBe("4 entries");
  });

  it("renders numbers, evidence and agents that look like HTML as text", async () => {
    ledger();
    await waitFor(() => expect(rows()).toHaveLength(4));
    const row = rows()[0];
    expect(within(row).getByTestId("ledger-number").textContent).toBe("<script>alert(1)</script>");
    expect(within(row).getByTestId("ledger-evidence").textContent?.trim()).toBe('<img src=x onerror="alert(2)">');
    expect(row.textContent).toContain("<b>Priya</b>");
    const table = screen.getByTestId("ledger");
    expect(table.querySelector("script, img, b")).toBeNull();
  });

  it("filters by kind, text and date range through the backend", async () => {
    const backend = ledger();
    await waitFor(() => expect(rows()).toHaveLength(4));

    await fireEvent.change(screen.getByTestId("filter-kind"), { target: { value: "opt_out" } });
    await waitFor(() => expect(lastQuery(backend).query.kinds).toEqual(["opt_out"]));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0].getAttribute("data-number")).toBe("+12025550166");

    await fireEvent.change(screen.getByTestId("filter-kind"), { target: { value: "all" } });
    await fireEvent.input(screen.getByTestId("filter-text"), { target: { value: "onerror" } });
    await waitFor(() => expect(lastQuery(backend).query).toMatchObject({ kinds: [], text: "onerror" }));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0].getAttribute("data-number")).toBe("<script>alert(1)</script>");

    await fireEvent.input(screen.getByTestId("filter-text"), { target: { value: "" } });
    await fireEvent.input(screen.getByTestId("filter-from"), { target: { value: "2026-11-20" } });
    await fireEvent.input(screen.getByTestId("filter-to"), { target: { value: "2026-11-20" } });
    await waitFor(() =>
      expect(lastQuery(backend).query).toMatchObject({
        text: null,
        from: dayBound("2026-11-20", false),
        to: dayBound("2026-11-20", true),
      }),
    );
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows().map((r) => r.getAttribute("data-kind"))).toEqual(["confirmation_sent", "opt_out"]);

    await fireEvent.input(screen.getByTestId("filter-text"), { target: { value: "nobody-matches" } });
    expect((await screen.findByTestId("ledger-empty")).textContent).toMatch(/No entries match/);
  });

  it("pages older entries", async () => {
    const backend = new FakeBackend();
    backend.ledgerPageSize = 3;
    backend.ledgerEntries = Array.from({ length: 7 }, (_, i) =>
      consentEntry({ id: i + 1, number: `+1202555010${i}`, at: T0 + i }),
    );
    render(ComplianceView, { backend });
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(screen.getByTestId("ledger-count").textContent).toBe("7 entries, 3 shown");
    await fireEvent.click(screen.getByTestId("ledger-more"));
    await waitFor(() => expect(rows()).toHaveLength(6));
    await fireEvent.click(screen.getByTestId("ledger-more"));
    await waitFor(() => expect(rows()).toHaveLength(7));
    expect(screen.queryByTestId("ledger-more")).toBeNull();
    // Newest first across pages, none twice.
    expect(rows().map((r) => r.getAttribute("data-number"))).toEqual(
      [6, 5, 4, 3, 2, 1, 0].map((i) => `+1202555010${i}`),
    );
  });

  it("exports where the user chose and says where; a cancel says nothing", async () => {
    const backend = ledger();
    await waitFor(() => expect(rows()).toHaveLength(4));
    const exportButton = screen.getByTestId("export-csv");
    expect(exportButton.textContent).toBe("Export CSV…");
    await fireEvent.click(exportButton);
    expect((await screen.findByTestId("compliance-notice")).textContent).toBe(
      "Saved 4 entries to /home/me/Downloads/consent-ledger-20261123T031500Z.csv",
    );
    expect(backend.exports).toBe(1);

    backend.exportTo = null;
    await fireEvent.click(exportButton);
    await waitFor(() => expect(screen.queryByTestId("compliance-notice")).toBeNull());
    expect(screen.queryByTestId("compliance-error")).toBeNull();
    expect(backend.exports).toBe(1);

    backend.exportTo = { path: "/data/exports/consent-ledger-20261123T031500Z.csv", fallback: true };
    await fireEvent.click(exportButton);
    expect((await screen.findByTestId("compliance-notice")).textContent).toBe(
      "No save dialog could be opened; saved 4 entries to /data/exports/consent-ledger-20261123T031500Z.csv",
    );

    backend.failures.exportConsentCsv = { code: "data_dir_unavailable", message: "cannot write /data/exports" };
    await fireEvent.click(screen.getByTestId("export-csv"));
    expect((await screen.findByTestId("compliance-error")).textContent).toBe("cannot write /data/exports");
  });

  it("imports a CSV the user picked, and shows the backend's refusal", async () => {
    const backend = ledger();
    await waitFor(() => expect(rows()).toHaveLength(4));
    const picker = screen.getByTestId("import-csv-input") as HTMLInputElement;
    const file = new File(["number,event\n2025550199,opt_in\n"], "prior.csv", { type: "text/csv" });
    Object.defineProperty(picker, "files", { value: [file], configurable: true });
    await fireEvent.change(picker);
    expect((await screen.findByTestId("compliance-notice")).textContent).toBe("Imported 2 consents from prior.csv");
    expect(backend.imports).toHaveLength(1);
    expect(atob(backend.imports[0].data_base64)).toBe("number,event\n2025550199,opt_in\n");

    backend.failures.importConsentCsv = { code: "invalid_input", message: "prior.csv line 3: event \"maybe\" is not opt_in or opt_out" };
    await fireEvent.change(picker);
    expect((await screen.findByTestId("compliance-error")).textContent).toBe(
      'prior.csv line 3: event "maybe" is not opt_in or opt_out',
    );
  });

  it("reloads when the ledger records something (an inbound STOP), not on every message", async () => {
    const backend = ledger();
    await waitFor(() => expect(rows()).toHaveLength(4));
    backend.ledgerEntries.push(consentEntry({ id: 5, number: "+12025550177", at: T0 + 2 * DAY }));
    backend.emit([{ type: "message_added", thread_id: 9, message_id: 50 }]);
    await new Promise((r) => setTimeout(r, 400));
    expect(rows()).toHaveLength(4);
    backend.emit([{ type: "consent_changed", number: "+12025550177" }]);
    await waitFor(() => expect(rows()).toHaveLength(5));
    expect(rows()[0].getAttribute("data-number")).toBe("+12025550177");
  });
});

describe("the Compliance view in the app", () => {
  it("is reachable from the navigation, and a ledger entry opens its conversation", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 7, title: "Listing group" })];
    backend.messages = [message({ id: 41, thread_id: 7, body: "Stop." })];
    backend.ledgerEntries = [
      consentEntry({ id: 2, evidence: { kind: "message", message_id: 41, thread_id: 7, body: "Stop." } }),
    ];
    render(App, { backend });
    await fireEvent.click(screen.getByTestId("open-compliance"));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.queryByTestId("conversation")).toBeNull();
    await fireEvent.click(within(rows()[0]).getByText("Open conversation"));
    expect(await screen.findByTestId("conversation")).toBeTruthy();
    expect(screen.queryByTestId("compliance-view")).toBeNull();
    expect(backend.calls).toContain("open 7");
  });
});
