import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import NewConversation from "./NewConversation.svelte";
import { FakeBackend } from "../lib/fake-backend";
import { CLEAR, check } from "../lib/compliance-fake";
import type { Recipients } from "../lib/backend";

const TOM = "+12025550166";

describe("the compliance checks in the new-conversation dialog", () => {
  it("asks about the typed numbers and blocks a send to someone who opted out", async () => {
    const backend = new FakeBackend();
    backend.preflightAnswer = (to: Recipients) => ({
      ...CLEAR,
      // The engine answers canonical numbers, whatever was typed.
      recipients: (to.kind === "thread" ? [] : to.numbers)
        .map((typed) => `+1${typed.replace(/\D/g, "").slice(-10)}`)
        .map((n) => check({ number: n, name: n === TOM ? "Tom Becker" : null, opted_out: n === TOM })),
    });
    render(NewConversation, { backend, onCreated: () => {}, onClose: () => {} });
    await fireEvent.input(screen.getByTestId("new-text"), { target: { value: "Open house Saturday" } });
    const send = screen.getByTestId("new-send") as HTMLButtonElement;

    await fireEvent.input(screen.getByTestId("new-numbers"), { target: { value: "(202) 555-0166" } });
    expect((await screen.findByTestId("preflight-blocked")).textContent).toMatch(/^Tom Becker opted out/);
    expect(send.disabled).toBe(true);
    expect(backend.preflightCalls.at(-1)).toEqual({ kind: "group", numbers: ["(202) 555-0166"] });

    // With someone else added it can go, without Tom: said before sending.
    await fireEvent.input(screen.getByTestId("new-numbers"), { target: { value: "(202) 555-0166, 202 555 0111" } });
    expect((await screen.findByTestId("preflight-skipped")).textContent).toMatch(
      /^Tom Becker has opted out \(texted STOP\) and will be skipped; only \(202\) 555-0111 gets this message\.\s*$/,
    );
    await fireEvent.input(screen.getByTestId("new-numbers"), { target: { value: "(202) 555-0166, 202 555 0111, 2025550122" } });
    await waitFor(() =>
      expect(screen.getByTestId("preflight-skipped").textContent).toMatch(/skipped; the other 2 still get this message\.\s*$/),
    );
    await waitFor(() => expect(send.disabled).toBe(false));
    // The dialog has no thread to continue: no "new group without them" there.
    expect(screen.queryByTestId("start-without")).toBeNull();
    await fireEvent.click(screen.getByLabelText(/Individual texts/));
    await waitFor(() => expect(backend.preflightCalls.at(-1)?.kind).toBe("individual"));
  });
});
