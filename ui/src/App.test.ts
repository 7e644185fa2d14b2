import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import App from "./App.svelte";

describe("App frame", () => {
  it("has the conversation list, the conversation pane and the status bar", async () => {
    render(App, {
      backend: {
        appStatus: async () => ({
          status: "ok",
          data: { version: "0.1.0", data_dir: "/d", schema_version: 1 },
        }),
      },
    });
    expect(screen.getByRole("complementary", { name: "Conversations" })).toBeTruthy();
    expect(screen.getByRole("main", { name: "Conversation" })).toBeTruthy();
    expect(screen.getByTestId("conversation-list-empty").textContent).toContain(
      "No conversations yet",
    );
    expect(screen.getByTestId("conversation-empty").textContent).toContain(
      "No conversation selected",
    );
    expect((await screen.findByTestId("status-schema")).textContent).toBe("Schema v1");
  });
});
