import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import StatusBar from "./StatusBar.svelte";
import type { Backend } from "../lib/backend";

function backendWith(result: Awaited<ReturnType<Backend["appStatus"]>>): Backend {
  return { appStatus: async () => result };
}

describe("StatusBar", () => {
  it("shows the version, data directory and schema version the backend reports", async () => {
    render(StatusBar, {
      backend: backendWith({
        status: "ok",
        data: { version: "9.8.7", data_dir: "/tmp/groupline-data", schema_version: 42 },
      }),
    });
    expect((await screen.findByTestId("status-version")).textContent).toBe("Groupline 9.8.7");
    expect(screen.getByTestId("status-data-dir").textContent?.trim()).toBe(
      "Data: /tmp/groupline-data",
    );
    expect(screen.getByTestId("status-schema").textContent).toBe("Schema v42");
  });

  it("shows a backend error as plain text, never as HTML", async () => {
    render(StatusBar, {
      backend: backendWith({
        status: "error",
        error: { code: "store_newer_schema", message: "<b>newer</b> database; please upgrade" },
      }),
    });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent?.trim()).toBe("<b>newer</b> database; please upgrade");
    expect(alert.querySelector("b")).toBeNull();
  });

  it("reports a rejected call instead of hanging on the pending state", async () => {
    const backend: Backend = {
      appStatus: () => Promise.reject(new Error("ipc unavailable")),
    };
    render(StatusBar, { backend });
    expect((await screen.findByRole("alert")).textContent?.trim()).toBe("ipc unavailable");
  });
});
