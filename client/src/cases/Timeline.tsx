import { Alert, Paper, Text, Timeline as MantineTimeline, Title } from "@mantine/core";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { TimelineEventFragment } from "../generated/graphql";
import { useFormat } from "../ui/format";
import { Empty, ErrorState, Loading } from "../ui/states";
import { useEventNote } from "./event-note";
import type { CaseActivity } from "./use-case-activity";

/** How one event reads: its title, and the note under it (if any). */
export type EventWording = (event: TimelineEventFragment) => { title: string; note: string | null };

/** A case's events, newest first, growing live; each audience words the events its own way. */
export function EventTimeline({ activity, heading, ended, empty, word }: { activity: CaseActivity; heading: string; ended: string; empty: string; word: EventWording }) {
  const format = useFormat();
  const events = activity.events ? [...activity.events].reverse() : null;
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {heading}
      </Title>
      {activity.ended && (
        <Alert color="orange" mb="sm">
          {ended}
        </Alert>
      )}
      {activity.error ? (
        <ErrorState error={activity.error} />
      ) : !events ? (
        <Loading />
      ) : events.length === 0 ? (
        <Empty>{empty}</Empty>
      ) : (
        <div aria-live="polite" aria-relevant="additions">
          <MantineTimeline bulletSize={14} lineWidth={2} active={0}>
            {events.map((event) => {
              const { title, note } = word(event);
              return (
                <MantineTimeline.Item key={event.id} title={title}>
                  {note && <Text size="sm">{note}</Text>}
                  <Text size="xs" c="dimmed">
                    <time dateTime={event.at}>{format.dateTime(event.at)}</time>
                  </Text>
                </MantineTimeline.Item>
              );
            })}
          </MantineTimeline>
        </div>
      )}
    </Paper>
  );
}

function staffWording(t: TFunction, note: (event: TimelineEventFragment) => string | null): EventWording {
  return (event) => ({
    title:
      event.type === "STATUS_CHANGED" && event.toStatus
        ? t("timeline.statusChanged", { from: event.fromStatus ? t(`status.${event.fromStatus}`) : "", to: t(`status.${event.toStatus}`) })
        : t(`event.${event.type}`),
    note: note(event),
  });
}

/** The case's events as the team sees them. */
export function Timeline({ activity }: { activity: CaseActivity }) {
  const { t } = useTranslation();
  const note = useEventNote();
  return <EventTimeline activity={activity} heading={t("timeline.title")} ended={t("timeline.ended")} empty={t("timeline.empty")} word={staffWording(t, note)} />;
}
