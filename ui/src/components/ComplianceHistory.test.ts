import { describe, expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/svelte";
import ComplianceHistory from "./ComplianceHistory.svelte";
import { FakeBackend } from "../lib/fake-backend";
import { consentEntry } from "../lib/compliance-fake";

describe("ComplianceHistory (the contact page's consent history)", () => {
  it("shows each number's events newest first with source and evidence, and the badge", async () => {
    const backend = new FakeBackend();
    backend.ledgerEntries = [
      consentEntry({ id: 1, number: "+12025550166", kind: "opt_in", source: "web_form", evidence: { kind: "text", text: "<i>form</i>" } }),
      consentEntry({ id: 2, number: "+12025550166", kind: "opt_out", evidence: { kind: "message", message_id: 3, thread_id: 1, body: "Stop." } }),
      consentEntry({ id: 3, number: "+12025550166", kind: "confirmation_sent", source: "automatic" }),
    ];
    render(ComplianceHistory, { backend, numbers: ["+12025550166", "+12025550111"] });
    await waitFor(() => expect(screen.getAllByTestId("consent-history-event")).toHaveLength(3));
    const events = screen.getAllByTestId("consent-history-event");
    expect(events.map((e) => e.getAttribute("data-kind"))).toEqual(["confirmation_sent", "opt_out", "opt_in"]);
    expect(events[1].textContent).toContain("“Stop.”");
    expect(events[2].textContent).toContain("Web sign-up form");
    expect(events[2].textContent).toContain("<i>form</i>");
    expect(events[2].querySelector("i")).toBeNull();
    // The latest opt-in/opt-out is an opt-out: badged. The other number has no record.
    expect(screen.getAllByTestId("consent-badge")).toHaveLength(1);
    expect(screen.getByTestId("consent-history").textContent).toContain("No opt-in or opt-out on record.");
  });

  it("shows the backend's error", async () => {
    const backend = new FakeBackend();
    backend.failures.consentHistory = { code: "store_busy", message: "the store is busy" };
    render(ComplianceHistory, { backend, numbers: ["+12025550166"] });
    expect((await screen.findByRole("alert")).textContent).toBe("the store is busy");
  });
});
