import i18next, { type BackendModule } from "i18next";
import { initReactI18next } from "react-i18next";

export const LANGUAGES = ["en", "zh"] as const;
export type UiLanguage = (typeof LANGUAGES)[number];
const CHOICE_KEY = "meridian.language";

type Catalog = Record<string, unknown>;
type CatalogParts = Record<string, () => Promise<{ default: Catalog }>>;

/**
 * A language's catalog is split by area of the app (one file per area, top-level keys disjoint,
 * checked by a unit test); each language is its own chunks, so a viewer downloads only the
 * language they read.
 */
const CATALOG_PARTS: Record<UiLanguage, CatalogParts> = {
  en: import.meta.glob<{ default: Catalog }>("../locales/en/*.json"),
  zh: import.meta.glob<{ default: Catalog }>("../locales/zh/*.json"),
};

async function loadCatalog(language: UiLanguage): Promise<Catalog> {
  const parts = await Promise.all(Object.values(CATALOG_PARTS[language]).map((load) => load()));
  return Object.assign({}, ...parts.map((part) => part.default));
}

const catalogs: BackendModule = {
  type: "backend",
  init() {},
  read(language, _namespace, callback) {
    loadCatalog(language === "zh" ? "zh" : "en").then((catalog) => callback(null, catalog), (error: Error) => callback(error, null));
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
