// CSV for the contacts import: RFC 4180 parsing (quotes, doubled quotes, CR/LF inside
// quotes) and a guess of which column is which from the header names.
import type { ContactInput } from "./backend";

/** Parses CSV text into rows of cells. A BOM and a trailing empty line are dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const s = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === "") quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && s[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ""));
}

export const FIELDS = ["name", "numbers", "company", "notes", "tags"] as const;
export type Field = (typeof FIELDS)[number];
/** For each field, the columns it reads (several numbers or tags columns are joined). */
export type Mapping = Record<Field, number[]>;

const HINTS: Record<Field, RegExp> = {
  name: /^(full ?name|name|display ?name|contact)$/i,
  numbers: /(phone|mobile|cell|number|tel)/i,
  company: /(company|organi[sz]ation|employer|business)/i,
  notes: /(note|comment)/i,
  tags: /(tag|label|group|categor)/i,
};

/** Which columns look like which field, from the header row. */
export function guessMapping(header: string[]): Mapping {
  const m: Mapping = { name: [], numbers: [], company: [], notes: [], tags: [] };
  header.forEach((h, i) => {
    const f = FIELDS.find((f) => HINTS[f].test(h.trim()));
    if (f) m[f].push(i);
  });
  if (m.name.length === 0) {
    // "First name" + "Last name" make the name.
    const parts = header.map((h, i) => (/(first|given|last|family|sur)\s*name/i.test(h) ? i : -1)).filter((i) => i >= 0);
    m.name = parts;
  }
  return m;
}

const split = (s: string) =>
  s
    .split(/[,;\n/|]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** A row as a contact to add, or why it cannot be one. */
export function toContact(row: string[], m: Mapping): ContactInput | string {
  const cells = (f: Field) => m[f].map((i) => (row[i] ?? "").trim()).filter(Boolean);
  const name = cells("name").join(" ");
  const numbers = cells("numbers").flatMap(split);
  if (!name) return "no name";
  if (numbers.length === 0) return "no number";
  return {
    display_name: name,
    numbers,
    company: cells("company").join(" ") || null,
    notes: cells("notes").join("\n") || null,
    tags: cells("tags").flatMap(split),
  };
}
