import { formattingLocale } from "../../client/src/app/locale";

/** Dates and numbers follow the viewer's locale, and a tag Intl refuses never breaks a page. */
function withLanguages(languages: string[]) {
  Object.defineProperty(globalThis, "navigator", { value: { languages, language: languages[0] }, configurable: true });
}

test("the viewer's English variant formats English; Chinese formats as zh-CN", () => {
  withLanguages(["fr-CA", "en-GB"]);
  expect(formattingLocale("en")).toBe("en-GB");
  expect(formattingLocale("zh")).toBe("zh-CN");
});

test("a tag Intl refuses (en-US@posix, as some browsers report) falls back instead of throwing", () => {
  withLanguages(["en-US@posix"]);
  const locale = formattingLocale("en");
  expect(() => new Intl.DateTimeFormat(locale)).not.toThrow();
  expect(locale).toBe("en-CA");
});
