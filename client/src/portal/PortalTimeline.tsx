import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { EventTimeline, type EventWording } from "../cases/Timeline";
import type { CaseActivity } from "../cases/use-case-activity";
import { useFormat } from "../ui/format";

/** The note the server writes when revoking consent puts a case on hold (server/consents/consent.service.ts). */
const CONSENT_REVOKED_NOTE = "consent revoked";
const COUNTRY_CODES = /^[A-Z]{2}(,[A-Z]{2})*$/;

/** What has happened on the case, newest first, in the patient's words; it grows live. */
export function PortalTimeline({ activity }: { activity: CaseActivity }) {
  const { t } = useTranslation();
  const format = useFormat();
  const countries = useMemo(() => {
    const names = new Intl.DisplayNames([format.locale], { type: "region" });
    const list = new Intl.ListFormat(format.locale, { type: "conjunction" });
    return (codes: string) => list.format(codes.split(",").map((code) => names.of(code) ?? code));
  }, [format.locale]);
  const word: EventWording = (event) => ({
    title:
      event.type === "STATUS_CHANGED" && event.toStatus
        ? event.toStatus === "ON_HOLD"
          ? t("portalEvent.paused")
          : t("portalEvent.moved", { status: t(`status.${event.toStatus}`) })
        : t(`portalEvent.${event.type}`),
    // Words the server wrote for machines become the patient's words; a coordinator's own note is shown as written.
    note:
      event.note === null
        ? null
        : event.type === "STATUS_CHANGED" && event.note === CONSENT_REVOKED_NOTE
          ? t("portalEvent.pausedForConsent")
          : event.type === "CONSENT_GRANTED" && COUNTRY_CODES.test(event.note)
            ? t("portalEvent.consentCountries", { countries: countries(event.note) })
            : event.note,
  });
  return <EventTimeline activity={activity} heading={t("portal.timeline.title")} ended={t("portal.timeline.ended")} empty={t("portal.timeline.empty")} word={word} />;
}
