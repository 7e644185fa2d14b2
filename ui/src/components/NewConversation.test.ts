import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import NewConversation from "./NewConversation.svelte";
import { FakeBackend } from "../lib/fake-backend";
import { parseNumbers } from "../lib/format";

describe("NewConversation", () => {
  it("merges duplicate numbers in any format and refuses what is not a number", () => {
    expect(parseNumbers("(202) 555-0111, 202.555.0111\n+1 202 555 0122;")).toEqual({
      numbers: ["(202) 555-0111", "+1 202 555 0122"],
      invalid: [],
    });
    expect(parseNumbers("12, bob@example.com").invalid).toEqual(["12", "bob@example.com"]);
  });

  it("explains group versus individual texts and sends as chosen", async () => {
    const backend = new FakeBackend();
    const created: number[] = [];
    render(NewConversation, { backend, onCreated: (id: number) => created.push(id), onClose: () => {} });
    expect(screen.getByTestId("mode-explain").textContent).toMatch(/every reply goes to the whole group/);
    await fireEvent.click(screen.getByLabelText("Individual texts"));
    expect(screen.getByTestId("mode-explain").textContent).toMatch(/replies only to you/);

    await fireEvent.input(screen.getByTestId("new-numbers"), {
      target: { value: "2025550111, (202) 555-0122, 202-555-0111" },
    });
    await fireEvent.input(screen.getByTestId("new-text"), { target: { value: "Open house at 3" } });
    await fireEvent.click(screen.getByTestId("new-send"));
    await waitFor(() => expect(created).toEqual([99]));
    expect(backend.sent[0].to).toEqual({ kind: "individual", numbers: ["2025550111", "(202) 555-0122"] });
  });

  it("blocks sending to something that is not a number", async () => {
    const backend = new FakeBackend();
    render(NewConversation, { backend, onCreated: () => {}, onClose: () => {} });
    await fireEvent.input(screen.getByTestId("new-numbers"), { target: { value: "555" } });
    await fireEvent.input(screen.getByTestId("new-text"), { target: { value: "hi" } });
    expect(screen.getByRole("alert").textContent).toMatch(/Not a phone number: 555/);
    expect((screen.getByTestId("new-send") as HTMLButtonElement).disabled).toBe(true);
  });
});
