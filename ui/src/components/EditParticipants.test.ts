import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import EditParticipants, { numberKey } from "./EditParticipants.svelte";
import { FakeBackend, thread } from "../lib/fake-backend";
import type { Contact, Participant, ThreadSummary } from "../lib/backend";

const person = (address: string, name: string | null, opted_out = false) =>
  ({ address, name, opted_out, carrier: null }) as Participant;

const CLAIM: ThreadSummary = thread({
  id: 4,
  title: "Claim 2291",
  participants: [
    person("+12025550111", "Dana Reyes"),
    person("+12025550122", "Sam Okafor"),
    person("+12025550166", "Tom Becker", true),
  ],
});

function contact(over: Partial<Contact> & { id: number; display_name: string; numbers: string[] }): Contact {
  return { company: null, notes: null, tags: [], ...over } as Contact;
}

function setup(t: ThreadSummary = CLAIM, contacts: Contact[] = []) {
  const backend = new FakeBackend();
  backend.listContacts = () => Promise.resolve({ status: "ok", data: { items: contacts, next: null } });
  const created: number[] = [];
  let closed = 0;
  render(EditParticipants, {
    backend,
    thread: t,
    onCreated: (id: number) => created.push(id),
    onClose: () => closed++,
  });
  const people = () => screen.getAllByTestId("edit-person").map((li) => li.textContent ?? "");
  const start = () => screen.getByTestId("edit-participants-start") as HTMLButtonElement;
  return { backend, created, closed: () => closed, people, start };
}

describe("EditParticipants", () => {
  it("merges spellings of one number", () => {
    expect(numberKey("(202) 555-0111")).toBe(numberKey("+12025550111"));
    expect(numberKey("+44 20 7946 0018")).not.toBe(numberKey("+12025550111"));
  });

  it("explains why a new group starts, and removing someone starts it linked to this one", async () => {
    const { backend, created, people, start } = setup();
    expect(screen.getByTestId("edit-participants-explain").textContent).toMatch(
      /MMS groups can't change members: this starts a new group linked to this one/,
    );
    expect(people()).toHaveLength(3);
    expect(start().disabled).toBe(true); // nothing changed yet
    expect(screen.getByTestId("edit-person-opted-out")).toBeTruthy();

    await fireEvent.click(screen.getByRole("button", { name: "Remove Tom Becker" }));
    expect(people()).toHaveLength(2);
    expect(screen.getByTestId("edit-removed").textContent).toContain("Tom Becker");
    expect(start().disabled).toBe(false);
    await fireEvent.click(start());
    await waitFor(() => expect(created).toEqual([500]));
    expect(backend.continued).toEqual([{ threadId: 4, participants: ["+12025550111", "+12025550122"] }]);
  });

  it("adds typed numbers in any format, merges duplicates, and refuses what is not a number", async () => {
    const { backend, people, start } = setup();
    const input = screen.getByTestId("add-person-input") as HTMLInputElement;
    await fireEvent.input(input, { target: { value: "(202) 555-0133, 202.555.0111" } });
    await fireEvent.click(screen.getByTestId("add-person"));
    expect(people()).toHaveLength(4); // 0111 is Dana, already in
    expect(people()[3]).toMatch(/\(202\) 555-0133.*new/);
    expect(input.value).toBe("");

    await fireEvent.input(input, { target: { value: "555-12" } });
    await fireEvent.click(screen.getByTestId("add-person"));
    expect(screen.getByRole("alert").textContent).toMatch(/Not a phone number: 555-12/);
    expect(people()).toHaveLength(4);

    await fireEvent.click(start());
    await waitFor(() => expect(backend.continued).toHaveLength(1));
    expect(backend.continued[0].participants).toEqual([
      "+12025550111",
      "+12025550122",
      "+12025550166",
      "(202) 555-0133",
    ]);
  });

  it("finds contacts by name, number or company", async () => {
    const contacts = [
      contact({ id: 1, display_name: "Priya Natarajan", numbers: ["+12025550155"], company: "Harbor Adjusters" }),
      contact({ id: 2, display_name: "Dana Reyes", numbers: ["+12025550111"] }),
    ];
    const { people } = setup(CLAIM, contacts);
    const input = screen.getByTestId("add-person-input");
    await fireEvent.input(input, { target: { value: "pri" } });
    const found = await screen.findAllByTestId("contact-suggestion");
    expect(found.map((b) => b.textContent)).toEqual([expect.stringContaining("Priya Natarajan")]);
    await fireEvent.input(input, { target: { value: "harbor" } });
    expect((await screen.findAllByTestId("contact-suggestion"))[0].textContent).toContain("Priya");
    // Dana is in the conversation already: not offered.
    await fireEvent.input(input, { target: { value: "dana" } });
    expect(screen.queryByTestId("contact-suggestion")).toBeNull();

    await fireEvent.input(input, { target: { value: "0155" } });
    await fireEvent.click((await screen.findAllByTestId("contact-suggestion"))[0]);
    expect(people()).toHaveLength(4);
    expect(people()[3]).toMatch(/Priya Natarajan.*\(202\) 555-0155/);
    // Enter on a name takes the first match.
    await fireEvent.click(screen.getByRole("button", { name: "Remove Priya Natarajan" }));
    await fireEvent.input(input, { target: { value: "Priya" } });
    await fireEvent.submit(input.closest("form")!);
    expect(people()[3]).toMatch(/Priya Natarajan/);
  });

  it("puts back someone removed, shows the backend's refusal, and closes on Escape", async () => {
    const { backend, created, closed, people, start } = setup();
    await fireEvent.click(screen.getByRole("button", { name: "Remove Sam Okafor" }));
    await fireEvent.click(screen.getByRole("button", { name: "Add back Sam Okafor" }));
    expect(people()).toHaveLength(3);
    expect(start().disabled).toBe(true);

    await fireEvent.click(screen.getByRole("button", { name: "Remove Sam Okafor" }));
    backend.continueError = { code: "invalid_input", message: "not a phone number: +1202" };
    await fireEvent.click(start());
    expect((await screen.findByTestId("edit-participants-error")).textContent).toBe("not a phone number: +1202");
    expect(created).toEqual([]);

    await fireEvent.keyDown(window, { key: "Escape" });
    expect(closed()).toBe(1);
  });

  it("holds a group to 20 people", async () => {
    const many = thread({
      id: 9,
      participants: Array.from({ length: 20 }, (_, i) => person(`+1202555${String(i).padStart(4, "0")}`, null)),
    });
    const { start } = setup(many);
    await fireEvent.input(screen.getByTestId("add-person-input"), { target: { value: "2025559999" } });
    await fireEvent.click(screen.getByTestId("add-person"));
    expect(screen.getByRole("alert").textContent).toMatch(/At most 20 people/);
    expect(start().disabled).toBe(true);
  });
});
