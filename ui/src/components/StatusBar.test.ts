import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import StatusBar from "./StatusBar.svelte";
import { STATUS } from "../lib/fake-backend";

describe("StatusBar", () => {
  it("shows the version, data directory, schema version and the provider", () => {
    render(StatusBar, {
      status: { ...STATUS, version: "9.8.7", data_dir: "/tmp/groupline-data", schema_version: 42 },
      error: null,
      outboxPending: 2,
    });
    expect(screen.getByTestId("status-version").textContent).toBe("Groupline 9.8.7");
    expect(screen.getByTestId("status-data-dir").textContent?.trim()).toBe("Data: /tmp/groupline-data");
    expect(screen.getByTestId("status-schema").textContent).toBe("Schema v42");
    expect(screen.getByTestId("status-engine").textContent?.trim()).toBe(
      "Demo provider connected · 2 sending",
    );
  });

  it("says why sending is off when the provider could not start", () => {
    render(StatusBar, {
      status: {
        ...STATUS,
        demo: false,
        engine: { state: "failed", error: { code: "provider_unavailable", message: "port in use" } },
      },
      error: null,
    });
    expect(screen.getByRole("alert").textContent?.trim()).toBe("Sending is off: port in use");
  });

  it("shows a backend error as plain text, never as HTML", () => {
    render(StatusBar, {
      status: null,
      error: { code: "store_newer_schema", message: "<b>newer</b> database; please upgrade" },
    });
    const alert = screen.getByRole("alert");
    expect(alert.textContent?.trim()).toBe("<b>newer</b> database; please upgrade");
    expect(alert.querySelector("b")).toBeNull();
  });
});
