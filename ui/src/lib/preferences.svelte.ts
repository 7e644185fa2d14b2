// What the user prefers in this window, kept in the webview's storage: the theme and
// whether inbound messages notify. (The provider configuration lives in the engine's
// config file; see components/Settings.svelte.)

export type Theme = "system" | "light" | "dark";

const KEY = "groupline.preferences";

interface Stored {
  theme: Theme;
  notifications: boolean;
  firstRunSeen: boolean;
}

const DEFAULTS: Stored = { theme: "system", notifications: true, firstRunSeen: false };

function read(): Stored {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    if (!raw) return { ...DEFAULTS };
    const v = JSON.parse(raw) as Partial<Stored>;
    return {
      theme: v.theme === "light" || v.theme === "dark" ? v.theme : "system",
      notifications: v.notifications !== false,
      firstRunSeen: v.firstRunSeen === true,
    };
  } catch {
    return { ...DEFAULTS };
  }
}

export class Preferences {
  theme = $state<Theme>("system");
  notifications = $state(true);
  firstRunSeen = $state(false);

  constructor() {
    const v = read();
    this.theme = v.theme;
    this.notifications = v.notifications;
    this.firstRunSeen = v.firstRunSeen;
  }

  save() {
    try {
      globalThis.localStorage?.setItem(
        KEY,
        JSON.stringify({ theme: this.theme, notifications: this.notifications, firstRunSeen: this.firstRunSeen }),
      );
    } catch {
      // Storage full or off: the choice holds for this session.
    }
  }

  /** Applies the theme to the document: `data-theme` overrides the system's scheme. */
  apply(root: HTMLElement = document.documentElement) {
    if (this.theme === "system") root.removeAttribute("data-theme");
    else root.setAttribute("data-theme", this.theme);
  }
}
