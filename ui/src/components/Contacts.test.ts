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
});
