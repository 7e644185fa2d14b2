import { describe, expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/svelte";
import ConsentBadge from "./ConsentBadge.svelte";
import { FakeBackend } from "../lib/fake-backend";

describe("ConsentBadge", () => {
  it("shows only for someone who opted out, when the caller knows", () => {
    render(ConsentBadge, { optedOut: true, testid: "badge-yes" });
    render(ConsentBadge, { optedOut: false, testid: "badge-no" });
    expect(screen.getByTestId("badge-yes").textContent).toBe("Opted out");
    expect(screen.getByTestId("badge-yes").getAttribute("title")).toMatch(/STOP/);
    expect(screen.queryByTestId("badge-no")).toBeNull();
  });

  it("asks the backend about numbers in one batch and follows a later STOP", async () => {
    const backend = new FakeBackend();
    backend.optedOutNumbers.add("+12025550166");
    let asked: string[][] = [];
    const statuses = backend.consentStatuses;
    backend.consentStatuses = (numbers: string[]) => {
      asked.push(numbers);
      return statuses(numbers);
    };
    render(ConsentBadge, { backend, numbers: ["+12025550111", "+12025550166"], testid: "tom" });
    render(ConsentBadge, { backend, numbers: ["+12025550122"], testid: "sam" });
    await waitFor(() => expect(screen.queryByTestId("tom")).not.toBeNull());
    expect(screen.queryByTestId("sam")).toBeNull();
    expect(asked).toEqual([["+12025550111", "+12025550166", "+12025550122"]]);

    // Sam texts STOP: the ledger records it, the badge asks again about Sam and appears.
    asked = [];
    backend.optedOutNumbers.add("+12025550122");
    backend.emit([{ type: "consent_changed", number: "+12025550122" }]);
    await waitFor(() => expect(screen.queryByTestId("sam")).not.toBeNull());
    expect(asked).toEqual([["+12025550122"]]);
  });

  it("shows nothing when the lookup fails rather than guessing", async () => {
    const backend = new FakeBackend();
    backend.optedOutNumbers.add("+12025550166");
    backend.failures.consentStatuses = { code: "store_busy", message: "busy" };
    render(ConsentBadge, { backend, numbers: ["+12025550166"], testid: "tom" });
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId("tom")).toBeNull();
  });
});
