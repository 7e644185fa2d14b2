import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import RecordOptIn from "./RecordOptIn.svelte";
import { FakeBackend } from "../lib/fake-backend";
import { polyfillBlobArrayBuffer } from "../lib/compliance-fake";

polyfillBlobArrayBuffer();

function setup() {
  const backend = new FakeBackend();
  let saved = 0;
  render(RecordOptIn, { backend, onSaved: () => saved++, onClose: () => {} });
  return { backend, saved: () => saved };
}

const save = () => screen.getByTestId("opt-in-save") as HTMLButtonElement;

describe("RecordOptIn", () => {
  it("asks each source for what it needs", async () => {
    setup();
    expect(save().disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("opt-in-number"), { target: { value: "(202) 555-0188" } });
    expect(save().disabled).toBe(false); // a web form needs nothing more
    await fireEvent.click(screen.getByTestId("opt-in-source-verbal"));
    expect(save().disabled).toBe(true);
    expect(screen.getByTestId("opt-in-problem").textContent).toMatch(/agent/);
    await fireEvent.input(screen.getByTestId("opt-in-agent"), { target: { value: "Priya" } });
    expect(save().disabled).toBe(false);
    await fireEvent.click(screen.getByTestId("opt-in-source-paper_form"));
    expect(save().disabled).toBe(true);
    expect(screen.getByTestId("opt-in-problem").textContent).toMatch(/scanned/);
  });

  it("records a paper form with its scan and the time given", async () => {
    const { backend, saved } = setup();
    await fireEvent.input(screen.getByTestId("opt-in-number"), { target: { value: "2025550188" } });
    await fireEvent.click(screen.getByTestId("opt-in-source-paper_form"));
    const picker = screen.getByTestId("opt-in-scan") as HTMLInputElement;
    const scan = new File(["%PDF-1.4"], "form.pdf", { type: "application/pdf" });
    Object.defineProperty(picker, "files", { value: [scan], configurable: true });
    await fireEvent.change(picker);
    await fireEvent.input(screen.getByTestId("opt-in-at"), { target: { value: "2026-11-02T09:30" } });
    await fireEvent.click(save());
    await waitFor(() => expect(saved()).toBe(1));
    expect(backend.optIns).toHaveLength(1);
    const input = backend.optIns[0];
    expect(input).toMatchObject({ number: "2025550188", source: "paper_form", agent: null, note: null });
    expect(input.at).toBe(new Date(2026, 10, 2, 9, 30).getTime());
    expect(input.scan?.file_name).toBe("form.pdf");
    expect(atob(input.scan?.data_base64 ?? "")).toBe("%PDF-1.4");
  });

  it("shows the backend's error and stays open", async () => {
    const { backend, saved } = setup();
    backend.failures.recordOptIn = { code: "invalid_input", message: "<b>not a number</b>: 12" };
    await fireEvent.input(screen.getByTestId("opt-in-number"), { target: { value: "12" } });
    await fireEvent.click(save());
    const error = await screen.findByTestId("opt-in-error");
    expect(error.textContent).toBe("<b>not a number</b>: 12");
    expect(error.querySelector("b")).toBeNull();
    expect(saved()).toBe(0);
  });
});
