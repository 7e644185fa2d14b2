import { describe, expect, it } from "vitest";
import { dayBound, evidenceText, joinNames, preflightView, scheduleTime, sourceLabel } from "./compliance";
import { CLEAR, check } from "./compliance-fake";

describe("compliance words", () => {
  it("says when a held message goes, with the day when it is not today", () => {
    const now = new Date(2026, 10, 23, 22, 15).getTime();
    expect(scheduleTime(new Date(2026, 10, 23, 23, 0).getTime(), now)).toBe("11:00 PM");
    expect(scheduleTime(new Date(2026, 10, 24, 8, 0).getTime(), now)).toBe("tomorrow 8:00 AM");
    expect(scheduleTime(new Date(2026, 10, 27, 8, 0).getTime(), now)).toBe("Fri, Nov 27 8:00 AM");
  });

  it("reads sources and evidence as people would", () => {
    expect(sourceLabel("inbound keyword:stop")).toBe("Texted “STOP”");
    expect(sourceLabel("inbound phrase:remove-me-from-list")).toBe("Texted a request (remove me from list)");
    expect(sourceLabel("inbound something_else")).toBe("Text: something else");
    expect(sourceLabel("paper_form")).toBe("Paper form");
    expect(sourceLabel("automatic")).toBe("Automatic");
    expect(evidenceText({ kind: "message", message_id: 4, thread_id: 1, body: "Stop." })).toBe("“Stop.”");
    expect(evidenceText({ kind: "message", message_id: 4, thread_id: null, body: null })).toMatch(/no longer stored/);
    expect(evidenceText({ kind: "file", sha256: "ab12cd34ef56aa77" })).toBe(
      "Scanned form (kept in the media folder, ab12cd34ef56…)",
    );
    expect(sourceLabel("paper_form: form.pdf")).toBe("Paper form (form.pdf)");
  });

  it("turns date inputs into inclusive day bounds", () => {
    expect(dayBound("2026-11-20", false)).toBe(new Date(2026, 10, 20).getTime());
    expect(dayBound("2026-11-20", true)).toBe(new Date(2026, 10, 20, 23, 59, 59, 999).getTime());
    expect(dayBound("", false)).toBeNull();
    expect(dayBound("20/11/2026", false)).toBeNull();
  });

  it("blocks when everyone opted out, else lists who is skipped and who lacks an opt-in", () => {
    expect(joinNames(["Dana", "Sam", "Chris"])).toBe("Dana, Sam and Chris");
    const all = preflightView({ ...CLEAR, recipients: [check({ number: "+1", name: "Tom", opted_out: true })] });
    expect(all.blocked).toMatch(/^Tom opted out/);
    // The engine's own reason for a block, with its code: names instead of numbers.
    const engine = preflightView({
      ...CLEAR,
      recipients: [check({ number: "+1", name: "Tom", opted_out: true })],
      blocked: { code: "opted_out", message: "+1 opted out (STOP); texting them is blocked" },
    });
    expect(engine.blocked).toMatch(/^Tom opted out \(texted STOP\); nobody here can be texted/);
    const some = preflightView({
      ...CLEAR,
      recipients: [
        check({ number: "+1", name: "Tom", opted_out: true, no_opt_in: true }),
        check({ number: "+2", name: "Dana", no_opt_in: true }),
      ],
    });
    expect(some.blocked).toBeNull();
    expect(some.skipped.map((r) => r.name)).toEqual(["Tom"]);
    // Someone skipped is not also warned about.
    expect(some.noOptIn.map((r) => r.name)).toEqual(["Dana"]);
    expect(preflightView(CLEAR).blocked).toBeNull();
  });
});
