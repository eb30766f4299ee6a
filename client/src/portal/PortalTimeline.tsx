import { Alert, Paper, Text, Timeline, Title } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { CaseActivity } from "../cases/use-case-activity";
import type { TimelineEventFragment } from "../generated/graphql";
import { useFormat } from "../ui/format";
import { Empty, ErrorState, Loading } from "../ui/states";

/** The note the server writes when revoking consent puts a case on hold (server/consents/consent.service.ts). */
const CONSENT_REVOKED_NOTE = "consent revoked";
const COUNTRY_CODES = /^[A-Z]{2}(,[A-Z]{2})*$/;

function EventLine({ event }: { event: TimelineEventFragment }) {
  const { t } = useTranslation();
  const format = useFormat();
  const countries = useMemo(() => {
    const names = new Intl.DisplayNames([format.locale], { type: "region" });
    const list = new Intl.ListFormat(format.locale, { type: "conjunction" });
    return (codes: string) => list.format(codes.split(",").map((code) => names.of(code) ?? code));
  }, [format.locale]);
  const title =
    event.type === "STATUS_CHANGED" && event.toStatus
      ? event.toStatus === "ON_HOLD"
        ? t("portalEvent.paused")
        : t("portalEvent.moved", { status: t(`status.${event.toStatus}`) })
      : t(`portalEvent.${event.type}`);
  // Words the server wrote for machines become the patient's words; a coordinator's own note is shown as written.
  const note =
    event.note === null
      ? null
      : event.type === "STATUS_CHANGED" && event.note === CONSENT_REVOKED_NOTE
        ? t("portalEvent.pausedForConsent")
        : event.type === "CONSENT_GRANTED" && COUNTRY_CODES.test(event.note)
          ? t("portalEvent.consentCountries", { countries: countries(event.note) })
          : event.note;
  return (
    <Timeline.Item title={title}>
      {note && <Text size="sm">{note}</Text>}
      <Text size="xs" c="dimmed">
        <time dateTime={event.at}>{format.dateTime(event.at)}</time>
      </Text>
    </Timeline.Item>
  );
}

/** What has happened on the case, newest first, in the patient's words; it grows live. */
export function PortalTimeline({ activity }: { activity: CaseActivity }) {
  const { t } = useTranslation();
  const events = activity.events ? [...activity.events].reverse() : null;
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t("portal.timeline.title")}
      </Title>
      {activity.ended && (
        <Alert color="orange" mb="sm">
          {t("portal.timeline.ended")}
        </Alert>
      )}
      {activity.error ? (
        <ErrorState error={activity.error} />
      ) : !events ? (
        <Loading />
      ) : events.length === 0 ? (
        <Empty>{t("portal.timeline.empty")}</Empty>
      ) : (
        <div aria-live="polite" aria-relevant="additions">
          <Timeline bulletSize={14} lineWidth={2} active={0}>
            {events.map((event) => (
              <EventLine key={event.id} event={event} />
            ))}
          </Timeline>
        </div>
      )}
    </Paper>
  );
}
