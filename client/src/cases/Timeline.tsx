import { Alert, Paper, Text, Timeline as MantineTimeline, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { TimelineEventFragment } from "../generated/graphql";
import { useFormat } from "../ui/format";
import { Empty, ErrorState, Loading } from "../ui/states";
import type { CaseActivity } from "./use-case-activity";

function EventLine({ event }: { event: TimelineEventFragment }) {
  const { t } = useTranslation();
  const format = useFormat();
  const title =
    event.type === "STATUS_CHANGED" && event.toStatus
      ? t("timeline.statusChanged", { from: event.fromStatus ? t(`status.${event.fromStatus}`) : "", to: t(`status.${event.toStatus}`) })
      : t(`event.${event.type}`);
  return (
    <MantineTimeline.Item title={title}>
      {event.note && <Text size="sm">{event.note}</Text>}
      <Text size="xs" c="dimmed">
        <time dateTime={event.at}>{format.dateTime(event.at)}</time>
      </Text>
    </MantineTimeline.Item>
  );
}

/** The case's events, newest first, growing live. */
export function Timeline({ activity }: { activity: CaseActivity }) {
  const { t } = useTranslation();
  const events = activity.events ? [...activity.events].reverse() : null;
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t("timeline.title")}
      </Title>
      {activity.ended && (
        <Alert color="orange" mb="sm">
          {t("timeline.ended")}
        </Alert>
      )}
      {activity.error ? (
        <ErrorState error={activity.error} />
      ) : !events ? (
        <Loading />
      ) : events.length === 0 ? (
        <Empty>{t("timeline.empty")}</Empty>
      ) : (
        <div aria-live="polite" aria-relevant="additions">
          <MantineTimeline bulletSize={14} lineWidth={2} active={0}>
            {events.map((event) => (
              <EventLine key={event.id} event={event} />
            ))}
          </MantineTimeline>
        </div>
      )}
    </Paper>
  );
}
