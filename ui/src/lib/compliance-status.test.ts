import { describe, expect, it, vi } from "vitest";
import { FakeBackend } from "./fake-backend";
import { ConsentLookup } from "./compliance-status.svelte";

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("ConsentLookup", () => {
  it("asks again only for the number the ledger changed, in whatever format it was asked", async () => {
    const backend = new FakeBackend();
    const asked = vi.spyOn(backend, "consentStatuses");
    const lookup = new ConsentLookup(backend);
    lookup.want(["(202) 555-0166", "+12025550111"]);
    await tick();
    expect(lookup.status("(202) 555-0166")).toBe("unknown");
    expect(asked).toHaveBeenCalledTimes(1);

    // A message alone changes nothing; the ledger's event for Tom re-asks Tom only.
    lookup.handle([{ type: "message_added", thread_id: 1, message_id: 9 }]);
    await tick();
    expect(asked).toHaveBeenCalledTimes(1);
    backend.optedOutNumbers.add("(202) 555-0166");
    lookup.handle([{ type: "consent_changed", number: "+12025550166" }]);
    await tick();
    expect(asked).toHaveBeenCalledTimes(2);
    expect(asked.mock.calls[1][0]).toEqual(["(202) 555-0166"]);
    expect(lookup.status("(202) 555-0166")).toBe("opted_out");

    // A resync re-asks everything.
    lookup.handle([{ type: "resync" }]);
    await tick();
    expect(asked.mock.calls[2][0].sort()).toEqual(["(202) 555-0166", "+12025550111"].sort());
  });
});
