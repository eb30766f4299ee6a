import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { TimelineEventFragment } from "../generated/graphql";
import { useFormat } from "../ui/format";

/** An option's field as its form names it. */
const fieldKey = (field: string) => (field === "title" ? "options.optionTitle" : `options.${field}`);

/**
 * Words any event's note for the reader: a note the server wrote (noteCode set) through the
 * catalogs, in the reader's language; a person's own note exactly as written.
 */
export function useEventNote(): (event: TimelineEventFragment) => string | null {
  const { t } = useTranslation();
  const format = useFormat();
  return useMemo(() => {
    const regions = new Intl.DisplayNames([format.locale], { type: "region" });
    const list = (items: string[]) => new Intl.ListFormat(format.locale, { type: "conjunction" }).format(items);
    return (event) => {
      const values = event.noteValues ?? [];
      switch (event.noteCode) {
        case "INVITATION_ACCEPTED":
          return t("eventNote.invitationAccepted");
        case "INVITATION_DECLINED":
          return t("eventNote.invitationDeclined");
        case "INVITED_AGAIN":
          return t("eventNote.invitedAgain", { previous: t(`assignment.${values[0]}`) });
        case "CONSENT_COUNTRIES":
          return t("eventNote.consentCountries", { countries: list(values.map((code) => regions.of(code) ?? code)) });
        case "CONSENT_REVOKED_HOLD":
          return t("eventNote.consentRevokedHold");
        case "OPTION_EDITED":
          return t("eventNote.optionEdited", { fields: list(values.map((field) => t(fieldKey(field)))) });
        case "OPTION_STATUS_CHANGED":
          return t("eventNote.optionStatusChanged", { from: t(`optionStatus.${values[0]}`), to: t(`optionStatus.${values[1]}`) });
        default:
          return event.note ?? null;
      }
    };
  }, [t, format.locale]);
}
