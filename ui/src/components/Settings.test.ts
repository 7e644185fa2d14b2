import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import Settings from "./Settings.svelte";
import { FakeBackend } from "../lib/fake-backend";
import { Preferences } from "../lib/preferences.svelte";

describe("Settings", () => {
  it("saves a provider profile with its password, then tests its connection", async () => {
    const backend = new FakeBackend();
    const prefs = new Preferences();
    render(Settings, { backend, prefs, onClose: () => {} });
    expect((await screen.findByTestId("settings-active")).textContent).toMatch(/demo provider/);
    await fireEvent.input(screen.getByTestId("profile-endpoint"), { target: { value: "https://mms.example.com/mm7" } });
    await fireEvent.input(screen.getByTestId("profile-vasp"), { target: { value: "key" } });
    await fireEvent.input(screen.getByTestId("profile-sender"), { target: { value: "12025550100" } });
    await fireEvent.input(screen.getByLabelText(/^Password/), { target: { value: "pw" } });
    await fireEvent.submit(screen.getByTestId("profile-form"));
    await waitFor(() => expect(backend.savedProfiles).toHaveLength(1));
    expect(backend.savedProfiles[0]).toMatchObject({ name: "sinch", password: "pw", make_active: true });
    expect((await screen.findByTestId("settings-saved")).textContent).toMatch(/Restart Groupline/);
    backend.connectionTest = {
      ok: false,
      kind: "credentials",
      summary: "The endpoint refused the credentials (Authentication failed)",
      url: "https://mms.example.com/mm7",
      elapsed_ms: 40,
    };
    await fireEvent.click(await screen.findByTestId("test-connection"));
    const result = await screen.findByTestId("connection-result");
    expect(result.getAttribute("data-kind")).toBe("credentials");
    expect(result.textContent).toMatch(/refused the credentials/);
    expect(backend.calls).toContain("test sinch");
  });

  it("shows a refused change as {code, message} and keeps the theme and notification choices", async () => {
    const backend = new FakeBackend();
    backend.setDefaultRegion = () =>
      Promise.resolve({ status: "error", error: { code: "config_invalid", message: "default_region: Narnia is not a region" } });
    const prefs = new Preferences();
    render(Settings, { backend, prefs, onClose: () => {} });
    const region = await screen.findByTestId("region");
    await fireEvent.input(region, { target: { value: "Narnia" } });
    await fireEvent.submit(region.closest("form")!);
    expect((await screen.findByTestId("settings-error")).textContent).toBe(
      "default_region: Narnia is not a region (config_invalid)",
    );
    await fireEvent.click(screen.getByTestId("theme-dark"));
    expect(document.documentElement.getAttribute("data-theme")).toBe("dark");
    await fireEvent.click(screen.getByTestId("notifications-toggle"));
    const again = new Preferences();
    expect(again.theme).toBe("dark");
    expect(again.notifications).toBe(false);
    await fireEvent.click(screen.getByTestId("theme-system"));
    expect(document.documentElement.hasAttribute("data-theme")).toBe(false);
  });
});
