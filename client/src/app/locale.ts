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
