import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { formattingLocale } from "../app/locale";

const DAY_MS = 86_400_000;

/** Dates, numbers and sizes in the viewer's locale. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = formattingLocale(i18n.language);
  return useMemo(() => {
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
    const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium" });
    // Date-only values are calendar dates: shown as written, never shifted by the viewer's time zone.
    const calendarDate = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
    const number = new Intl.NumberFormat(locale);
    const bytes = (value: number) => {
      const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
      let size = value;
      let unit = 0;
      while (size >= 1024 && unit < units.length - 1) {
        size /= 1024;
        unit += 1;
      }
      return new Intl.NumberFormat(locale, { style: "unit", unit: units[unit], unitDisplay: "short", maximumFractionDigits: unit === 0 ? 0 : 1 }).format(size);
    };
    return {
      locale,
      dateTime: (iso: string) => dateTime.format(new Date(iso)),
      date: (iso: string) => date.format(new Date(iso)),
      calendarDate: (isoDate: string) => calendarDate.format(new Date(`${isoDate}T00:00:00Z`)),
      number: (value: number) => number.format(value),
      bytes,
      percent: (fraction: number) => new Intl.NumberFormat(locale, { style: "percent" }).format(fraction),
      daysSince: (iso: string) => Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / DAY_MS)),
    };
  }, [locale]);
}
