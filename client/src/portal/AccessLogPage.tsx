import { useApolloClient } from "@apollo/client/react";
import { Button, Paper, Stack, Text } from "@mantine/core";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { MyAccessLogDocument, type MyAccessLogQuery } from "../generated/graphql";
import { useFormat } from "../ui/format";
import { PageHeading } from "../ui/PageHeading";
import { Empty, ErrorState, Loading } from "../ui/states";
import { useMyCases } from "./use-my-cases";

type Entry = NonNullable<MyAccessLogQuery["patient"]>["accessLog"][number];
const PAGE = 20;

/** Who opened or changed my file, newest first, a page at a time. */
export default function AccessLogPage() {
  const { t } = useTranslation();
  const mine = useMyCases();
  const title = t("portal.access.title");
  if (mine.error) return <ErrorState error={mine.error} onRetry={mine.refetch} />;
  if (mine.loading || !mine.patientId) return <Loading />;
  return (
    <Stack>
      <PageHeading title={title}>{title}</PageHeading>
      <Text>{t("portal.access.intro")}</Text>
      <AccessLog patientId={mine.patientId} />
    </Stack>
  );
}

function AccessLog({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const apollo = useApolloClient();
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const regions = useMemo(() => new Intl.DisplayNames([format.locale], { type: "region" }), [format.locale]);

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const result = await apollo.query({ query: MyAccessLogDocument, variables: { patientId, after }, fetchPolicy: "no-cache" });
        const page = result.data?.patient?.accessLog ?? [];
        setEntries((previous) => (after ? [...(previous ?? []), ...page] : page));
        setMore(page.length === PAGE);
      } catch (failure) {
        setError(failure);
      } finally {
        setLoading(false);
      }
    },
    [apollo, patientId],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  if (error && !entries) return <ErrorState error={error} onRetry={() => void load(null)} />;
  if (!entries) return <Loading />;
  if (entries.length === 0) return <Empty>{t("portal.access.none")}</Empty>;

  const who = (entry: Entry) => {
    // A patient's log holds no other patient: a patient actor is the reader themself.
    if (entry.actorRole === "PATIENT") return t("portal.access.you");
    const details = [t(`role.${entry.actorRole}`), entry.actorInstitution, entry.actorCountry ? (regions.of(entry.actorCountry) ?? entry.actorCountry) : null].filter(Boolean).join(t("portal.access.separator"));
    return t("portal.access.who", { name: entry.actorName, details });
  };
  return (
    <Stack gap="sm">
      <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: "none" }}>
        {entries.map((entry) => (
          <Paper component="li" key={entry.id} withBorder p="sm" data-access-kind={entry.kind}>
            <Text>{t("portal.access.entry", { who: who(entry), action: t(`portal.access.kind.${entry.kind}`) })}</Text>
            <Text size="sm" c="dimmed">
              {entry.count > 1
                ? t("portal.access.repeated", { count: entry.count, first: format.dateTime(entry.firstAt), last: format.dateTime(entry.lastAt) })
                : format.dateTime(entry.firstAt)}
            </Text>
          </Paper>
        ))}
      </Stack>
      {error ? <ErrorState error={error} onRetry={() => void load(entries[entries.length - 1].id)} /> : null}
      {more && (
        <Button variant="default" loading={loading} onClick={() => void load(entries[entries.length - 1].id)} style={{ alignSelf: "flex-start" }}>
          {t("portal.access.older")}
        </Button>
      )}
    </Stack>
  );
}
