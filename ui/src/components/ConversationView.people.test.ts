import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import ConversationView from "./ConversationView.svelte";
import { OPEN_THREAD_EVENT } from "./Composer.svelte";
import { ConversationState } from "../lib/conversation.svelte";
import { FakeBackend, thread } from "../lib/fake-backend";
import type { Participant } from "../lib/backend";

const person = (address: string, name: string | null, carrier: string | null = null) =>
  ({ address, name, opted_out: false, carrier }) as Participant;

async function open(backend: FakeBackend, threadId: number) {
  const conversation = new ConversationState(backend, threadId);
  render(ConversationView, { backend, conversation });
  await conversation.open();
  return conversation;
}

function openedThreads(): number[] {
  const opened: number[] = [];
  window.addEventListener(OPEN_THREAD_EVENT, (e) => opened.push((e as CustomEvent<number>).detail));
  return opened;
}

describe("ConversationView people", () => {
  it("shows each participant's carrier when known", async () => {
    const backend = new FakeBackend();
    backend.threads = [
      thread({ id: 1, participants: [person("+12025550111", "Dana Reyes", "T-Mobile"), person("+12025550122", "Sam Okafor")] }),
    ];
    await open(backend, 1);
    await waitFor(() => expect(screen.getAllByTestId("participant-carrier")).toHaveLength(1));
    expect(screen.getByTestId("participant-carrier").textContent).toBe("T-Mobile");
    expect(screen.getByTestId("participants").textContent).toMatch(/Dana Reyes.*T-Mobile/);
  });

  it("edits people by starting a linked group, and opens it", async () => {
    const backend = new FakeBackend();
    backend.threads = [
      thread({
        id: 1,
        title: "Claim 2291",
        participants: [person("+12025550111", "Dana Reyes"), person("+12025550122", "Sam Okafor"), person("+12025550133", "Chris Reyes")],
      }),
    ];
    const opened = openedThreads();
    await open(backend, 1);
    await fireEvent.click(await screen.findByTestId("edit-participants-open"));
    expect(screen.getByTestId("edit-participants-explain").textContent).toMatch(/MMS groups can't change members/);
    await fireEvent.click(screen.getByRole("button", { name: "Remove Chris Reyes" }));
    await fireEvent.click(screen.getByTestId("edit-participants-start"));
    await waitFor(() => expect(opened).toEqual([500]));
    expect(backend.continued).toEqual([{ threadId: 1, participants: ["+12025550111", "+12025550122"] }]);
    expect(screen.queryByTestId("edit-participants")).toBeNull();
  });

  it("says which conversation a successor continues, and links to it", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1, title: "Claim 2291" }), thread({ id: 2, predecessor_id: 1 })];
    const opened = openedThreads();
    await open(backend, 2);
    const link = await screen.findByTestId("predecessor-link");
    expect(link.textContent?.trim()).toBe("Continues Claim 2291");
    await fireEvent.click(link);
    expect(opened).toEqual([1]);
  });

  it("has no link in a conversation that continues none", async () => {
    const backend = new FakeBackend();
    backend.threads = [thread({ id: 1 })];
    await open(backend, 1);
    await screen.findByTestId("conversation-title");
    expect(screen.queryByTestId("predecessor-link")).toBeNull();
  });
});
