import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import Contacts from "./Contacts.svelte";
import { FakeBackend } from "../lib/fake-backend";
import type { ContactInput } from "../lib/backend";

describe("Contacts", () => {
  it("lists contacts and adds one with its numbers and tags split", async () => {
    const backend = new FakeBackend();
    const added: ContactInput[] = [];
    backend.listContacts = async () => ({
      status: "ok",
      data: {
        items: [
          { id: 1, display_name: "Dana Reyes", numbers: ["+12025550111"], company: null, notes: null, tags: [] },
        ],
        next: null,
      },
    });
    backend.addContact = async (c: ContactInput) => {
      added.push(c);
      return { status: "ok", data: 2 };
    };
    render(Contacts, { backend, onClose: () => {} });
    expect((await screen.findByTestId("contact-row")).textContent).toContain("(202) 555-0111");
    await fireEvent.click(screen.getByTestId("contact-add"));
    await fireEvent.input(screen.getByLabelText("Name"), { target: { value: "Rick's Towing" } });
    await fireEvent.input(screen.getByLabelText("Numbers"), { target: { value: "2025550133, 2025550134" } });
    await fireEvent.input(screen.getByLabelText("Tags"), { target: { value: "tow, vendor" } });
    await fireEvent.submit(screen.getByTestId("contact-form"));
    await waitFor(() => expect(added).toHaveLength(1));
    expect(added[0]).toEqual({
      display_name: "Rick's Towing",
      numbers: ["2025550133", "2025550134"],
      company: null,
      notes: null,
      tags: ["tow", "vendor"],
    });
  });

  it("imports a CSV with a preview and a column mapping through add_contact", async () => {
    const backend = new FakeBackend();
    const added: ContactInput[] = [];
    backend.addContact = async (c: ContactInput) => {
      added.push(c);
      return c.display_name === "Refused"
        ? { status: "error", error: { code: "invalid_input", message: "not a phone number" } }
        : { status: "ok", data: added.length };
    };
    render(Contacts, { backend, onClose: () => {} });
    await fireEvent.click(await screen.findByTestId("contact-import-open"));
    const csv = "Name,Cell,Company,Group\nDana Reyes,202-555-0111,Acme,claims\n<b>Sam</b>,202 555 0122,,\nNo Number,,,\nRefused,12,,\n";
    const file = new File([csv], "contacts.csv", { type: "text/csv" });
    const input = screen.getByTestId("import-file") as HTMLInputElement;
    Object.defineProperty(input, "files", { value: [file] });
    await fireEvent.change(input);
    const preview = await screen.findByTestId("import-preview");
    // Text stays text: the tag-looking name is shown literally.
    expect(preview.textContent).toContain("<b>Sam</b>");
    expect(preview.querySelector("b")).toBeNull();
    expect(preview.textContent).toContain("Row 4 will be skipped: no number");
    // The Group column was guessed as tags; map it to nothing.
    await fireEvent.change(screen.getByTestId("map-tags"), { target: { value: "" } });
    await fireEvent.click(screen.getByTestId("import-run"));
    const result = await screen.findByTestId("import-result");
    expect(result.textContent).toMatch(/Added 2, skipped 1, 1 refused/);
    expect(added[0]).toEqual({ display_name: "Dana Reyes", numbers: ["202-555-0111"], company: "Acme", notes: null, tags: [] });
    expect(screen.getByText("Row 5: not a phone number (invalid_input)")).toBeTruthy();
  });

  it("shows a contact's conversations and opens one", async () => {
    const backend = new FakeBackend();
    backend.listContacts = async () => ({
      status: "ok",
      data: {
        items: [{ id: 1, display_name: "Dana Reyes", numbers: ["+12025550111"], company: null, notes: null, tags: [] }],
        next: null,
      },
    });
    backend.search = async () => ({
      status: "ok",
      data: { threads: [{ thread_id: 7, title: "Claim 7-41182", snippet: [] }], messages: { items: [], next: null } },
    });
    const opened: number[] = [];
    render(Contacts, { backend, onClose: () => {}, onOpenThread: (id: number) => opened.push(id) });
    await fireEvent.click(await screen.findByTestId("contact-row"));
    await fireEvent.click(await screen.findByTestId("contact-thread"));
    expect(opened).toEqual([7]);
  });
});
