import { describe, expect, it } from "vitest";
import { guessMapping, parseCsv, toContact } from "./csv";

describe("csv", () => {
  it("parses quotes, doubled quotes, commas and new lines inside quotes", () => {
    const rows = parseCsv('\uFEFFName,Phone,Notes\r\n"Reyes, Dana",202-555-0111,"said ""call after 5""\nnew line"\r\n\r\n');
    expect(rows).toEqual([
      ["Name", "Phone", "Notes"],
      ["Reyes, Dana", "202-555-0111", 'said "call after 5"\nnew line'],
    ]);
  });

  it("guesses the columns and builds contacts, refusing rows without a name or a number", () => {
    const header = ["First Name", "Last Name", "Mobile Phone", "Work Phone", "Organization", "Labels", "Comment"];
    const m = guessMapping(header);
    expect(m).toEqual({ name: [0, 1], numbers: [2, 3], company: [4], notes: [6], tags: [5] });
    expect(toContact(["Dana", "Reyes", "202 555 0111", "", "Acme", "claims; vip", "<b>hi</b>"], m)).toEqual({
      display_name: "Dana Reyes",
      numbers: ["202 555 0111"],
      company: "Acme",
      notes: "<b>hi</b>",
      tags: ["claims", "vip"],
    });
    expect(toContact(["", "", "2025550111", "", "", "", ""], m)).toBe("no name");
    expect(toContact(["Sam", "", "", "", "", "", ""], m)).toBe("no number");
  });
});
