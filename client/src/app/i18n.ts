import i18next, { type BackendModule } from "i18next";
import { initReactI18next } from "react-i18next";

export const LANGUAGES = ["en", "zh"] as const;
export type UiLanguage = (typeof LANGUAGES)[number];
const CHOICE_KEY = "meridian.language";

/** Each catalog is its own chunk: a viewer downloads only the language they read. */
const catalogs: BackendModule = {
  type: "backend",
  init() {},
  read(language, _namespace, callback) {
    const load = language === "zh" ? import("../locales/zh.json") : import("../locales/en.json");
    load.then((module) => callback(null, module.default), (error: Error) => callback(error, null));
  },
};

function initialLanguage(): UiLanguage {
  const chosen = localStorage.getItem(CHOICE_KEY);
  if (chosen === "en" || chosen === "zh") return chosen;
  return navigator.language.toLowerCase().startsWith("zh") ? "zh" : "en";
}

function applyToDocument(language: string) {
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
}

export async function initI18n(): Promise<void> {
  i18next.on("languageChanged", applyToDocument);
  await i18next
    .use(catalogs)
    .use(initReactI18next)
    .init({
      lng: initialLanguage(),
      fallbackLng: false,
      supportedLngs: [...LANGUAGES],
      load: "languageOnly",
      interpolation: { escapeValue: false },
      returnNull: false,
      react: { useSuspense: true },
    });
}

export async function chooseLanguage(language: UiLanguage): Promise<void> {
  localStorage.setItem(CHOICE_KEY, language);
  await i18next.changeLanguage(language);
}

/** A tag Intl accepts, or null: browsers may report tags such as "en-US@posix" that Intl refuses. */
function canonical(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

/** The BCP 47 locale for dates and numbers: the viewer's own English variant (en-CA, en-GB…) when reading English. */
export function formattingLocale(language: string): string {
  if (language === "zh") return "zh-CN";
  const english = (navigator.languages ?? [navigator.language]).map(canonical).find((tag) => tag?.toLowerCase().startsWith("en"));
  return english ?? "en-CA";
}
