import { useTranslation } from "react-i18next";
import { EventTimeline, type EventWording } from "../cases/Timeline";
import { useEventNote } from "../cases/event-note";
import type { CaseActivity } from "../cases/use-case-activity";

/** What has happened on the case, newest first, in the patient's words; it grows live. */
export function PortalTimeline({ activity }: { activity: CaseActivity }) {
  const { t } = useTranslation();
  const note = useEventNote();
  const word: EventWording = (event) => ({
    title:
      event.type === "STATUS_CHANGED" && event.toStatus
        ? event.toStatus === "ON_HOLD"
          ? t("portalEvent.paused")
          : t("portalEvent.moved", { status: t(`status.${event.toStatus}`) })
        : t(`portalEvent.${event.type}`),
    note: note(event),
  });
  return <EventTimeline activity={activity} heading={t("portal.timeline.title")} ended={t("portal.timeline.ended")} empty={t("portal.timeline.empty")} word={word} />;
}
