import { useQuery } from "@apollo/client/react";
import { Anchor, Grid, Group, Paper, SimpleGrid, Stack, Tabs, Text } from "@mantine/core";
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { RouteError } from "../app/RouteError";
import { CommentsPanel } from "../comments/CommentsPanel";
import { ConsentPanel } from "../consents/ConsentPanel";
import { CaseDetailDocument, type CaseEventFieldsFragment } from "../generated/graphql";
import { OptionsPanel } from "../options/OptionsPanel";
import { RecordsPanel } from "../records/RecordsPanel";
import { ReviewersPanel } from "../reviewers/ReviewersPanel";
import { SummaryEditor } from "../summaries/SummaryEditor";
import { TranslationPanel } from "../summaries/TranslationPanel";
import { useFormat } from "../ui/format";
import { PageHeading } from "../ui/PageHeading";
import { StatusBadge } from "../ui/StatusBadge";
import { ErrorState, Loading } from "../ui/states";
import { Timeline } from "./Timeline";
import { TransitionPanel } from "./TransitionPanel";
import { useCaseActivity } from "./use-case-activity";

const TABS = ["overview", "records", "summary", "translation", "reviewers", "comments", "options", "consent"] as const;

export default function CasePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const { caseId = "", tab = "overview" } = useParams();
  const { data, error, refetch } = useQuery(CaseDetailDocument, { variables: { id: caseId } });
  // Events carry the case's state (written to the cache); records, summaries, reviewers and
  // options changed elsewhere are read again.
  const onEvent = useCallback(
    (event: CaseEventFieldsFragment) => {
      if (event.type !== "STATUS_CHANGED") void refetch();
    },
    [refetch],
  );
  const activity = useCaseActivity(caseId, onEvent);

  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!data) return <Loading />;
  const caseItem = data.case;
  if (!caseItem) return <RouteError notFound />;
  const current = (TABS as readonly string[]).includes(tab) ? tab : "overview";

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <PageHeading title={t("case.title", { reference: caseItem.reference })}>{t("case.title", { reference: caseItem.reference })}</PageHeading>
          <Group gap="sm">
            <StatusBadge status={caseItem.status} testId="case-status" />
            <Text size="sm" c="dimmed">
              {t("case.since", { date: format.date(caseItem.statusSince), count: format.daysSince(caseItem.statusSince) })}
            </Text>
            {caseItem.heldFrom && (
              <Text size="sm" c="dimmed">
                {t("case.heldFrom", { status: t(`status.${caseItem.heldFrom}`) })}
              </Text>
            )}
          </Group>
        </div>
      </Group>
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
          <div>
            <Text size="xs" c="dimmed">
              {t("case.patient")}
            </Text>
            {caseItem.patient ? (
              <Anchor component={Link} to={`/patients/${caseItem.patient.id}`}>
                {caseItem.patient.fullName}
              </Anchor>
            ) : (
              <Text>{t("common.none")}</Text>
            )}
          </div>
          <div>
            <Text size="xs" c="dimmed">
              {t("case.opened")}
            </Text>
            <Text>{format.date(caseItem.openedAt)}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              {t("case.records")}
            </Text>
            <Text>{format.number(caseItem.recordCount)}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              {t("case.consent")}
            </Text>
            <Text>{caseItem.consentActive ? t("case.consentActive") : t("case.consentMissing")}</Text>
          </div>
        </SimpleGrid>
        {caseItem.reason && (
          <Text mt="sm" size="sm">
            <Text span fw={600}>
              {t("case.reason")}
            </Text>{" "}
            {caseItem.reason}
          </Text>
        )}
      </Paper>
      <TransitionPanel caseItem={caseItem} />
      <Tabs value={current} onChange={(value) => navigate(`/cases/${caseId}${value === "overview" ? "" : `/${value}`}`, { replace: true, state: { keepFocus: true } })} keepMounted={false}>
        <Tabs.List>
          {TABS.map((name) => (
            <Tabs.Tab key={name} value={name}>
              {t(`case.tab.${name}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <Grid>
            <Grid.Col span={12}>
              <Timeline activity={activity} />
            </Grid.Col>
          </Grid>
        </Tabs.Panel>
        <Tabs.Panel value="records" pt="md">
          <RecordsPanel caseId={caseItem.id} records={caseItem.records} />
        </Tabs.Panel>
        <Tabs.Panel value="summary" pt="md">
          <SummaryEditor caseId={caseItem.id} summaries={caseItem.summaries} />
        </Tabs.Panel>
        <Tabs.Panel value="translation" pt="md">
          <TranslationPanel caseId={caseItem.id} summaries={caseItem.summaries} />
        </Tabs.Panel>
        <Tabs.Panel value="reviewers" pt="md">
          <ReviewersPanel caseId={caseItem.id} assignments={caseItem.assignments} />
        </Tabs.Panel>
        <Tabs.Panel value="comments" pt="md">
          <CommentsPanel caseId={caseItem.id} comments={caseItem.comments} summaries={caseItem.summaries} />
        </Tabs.Panel>
        <Tabs.Panel value="options" pt="md">
          <OptionsPanel caseId={caseItem.id} status={caseItem.status} options={caseItem.options} />
        </Tabs.Panel>
        <Tabs.Panel value="consent" pt="md">
          {caseItem.patient && <ConsentPanel patientId={caseItem.patient.id} />}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
