import { useApolloClient, useQuery } from "@apollo/client/react";
import { Alert, Anchor, Group, Paper, SimpleGrid, Stack, Text } from "@mantine/core";
import { useCallback, useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { Timeline } from "../cases/Timeline";
import { useCaseActivity } from "../cases/use-case-activity";
import { ReviewCaseDocument } from "../generated/graphql";
import { errorFacts } from "../ui/errors";
import { useFormat } from "../ui/format";
import { PageHeading } from "../ui/PageHeading";
import { StatusBadge } from "../ui/StatusBadge";
import { ErrorState, Loading } from "../ui/states";
import { InvitationPanel } from "./InvitationPanel";
import { OpinionPanel } from "./OpinionPanel";
import { readingLanguage, summaryPair } from "./review-data";
import { ReviewOptionsPanel } from "./ReviewOptionsPanel";
import { SummarySections } from "./SummarySections";

/** Said, and nothing else shown, when the reviewer may not (or may no longer) see the case. */
function Unavailable() {
  const { t } = useTranslation();
  return (
    <Stack>
      <PageHeading title={t("review.unavailable.title")}>{t("review.unavailable.title")}</PageHeading>
      <Alert color="orange" role="alert" data-testid="case-unavailable">
        <Stack gap="xs" align="flex-start">
          <Text>{t("review.unavailable.text")}</Text>
          <Anchor component={Link} to="/review">
            {t("review.unavailable.back")}
          </Anchor>
        </Stack>
      </Alert>
    </Stack>
  );
}

/**
 * Follows the case live. The server ends the subscription when the reviewer's rights end
 * (consent revoked, invitation cancelled, case withdrawn or closed): `onEnded` then asks the
 * server whether the case is still theirs.
 */
function CaseFollower({ caseId, onEvent, onEnded, children }: { caseId: string; onEvent: () => void; onEnded: () => void; children: (activity: ReturnType<typeof useCaseActivity>) => ReactNode }) {
  const activity = useCaseActivity(caseId, onEvent);
  useEffect(() => {
    if (activity.ended) onEnded();
  }, [activity.ended, onEnded]);
  return <>{children(activity)}</>;
}

export default function ReviewCasePage() {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const apollo = useApolloClient();
  const { caseId = "" } = useParams();
  const [lost, setLost] = useState(false);
  const [generation, setGeneration] = useState(0);
  const { data, error, refetch } = useQuery(ReviewCaseDocument, { variables: { id: caseId }, skip: lost, fetchPolicy: "cache-and-network" });

  const forget = useCallback(() => {
    setLost(true);
    // Nothing of the case stays in the page's memory.
    apollo.cache.evict({ id: apollo.cache.identify({ __typename: "Case", id: caseId }) });
    apollo.cache.gc();
  }, [apollo, caseId]);

  const onEvent = useCallback(() => void refetch().catch(() => undefined), [refetch]);
  const onEnded = useCallback(() => {
    apollo
      .query({ query: ReviewCaseDocument, variables: { id: caseId }, fetchPolicy: "network-only" })
      .then((result) => (result.data?.case ? setGeneration((g) => g + 1) : forget()))
      .catch((failure: unknown) => (errorFacts(failure).code === "NOT_FOUND" ? forget() : setGeneration((g) => g + 1)));
  }, [apollo, caseId, forget]);

  useEffect(() => setLost(false), [caseId]);

  if (lost || (error && errorFacts(error).code === "NOT_FOUND")) return <Unavailable />;
  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!data) return <Loading />;
  const caseItem = data.case;
  const reviewer = data.viewer?.reviewer;
  const own = caseItem?.assignments.find((a) => a.reviewer.id === reviewer?.id);
  if (!caseItem || !reviewer || !own) return <Unavailable />;

  const invited = own.status === "INVITED";
  const pair = summaryPair({ EN: caseItem.en, ZH: caseItem.zh }, readingLanguage(reviewer.languages, i18n.language));

  return (
    <CaseFollower key={`${caseId}:${generation}`} caseId={caseId} onEvent={onEvent} onEnded={onEnded}>
      {(activity) => (
        <Stack>
          <div>
            <PageHeading title={t("review.case.title", { reference: caseItem.reference })}>{t("review.case.title", { reference: caseItem.reference })}</PageHeading>
            <Group gap="sm">
              <StatusBadge status={caseItem.status} testId="case-status" />
              <Text size="sm" c="dimmed">
                {t("review.case.since", { date: format.date(caseItem.statusSince) })}
              </Text>
            </Group>
          </div>
          <Paper withBorder p="md">
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <div>
                <Text size="xs" c="dimmed">
                  {t("review.list.ageBand")}
                </Text>
                <Text>{caseItem.patientAgeBand ? t("review.ageBandValue", { band: caseItem.patientAgeBand }) : t("common.none")}</Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  {t("review.list.assignment")}
                </Text>
                <Text>{t(`review.assignmentStatus.${own.status}`)}</Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  {t("review.list.due")}
                </Text>
                <Text>{own.dueAt ? format.date(own.dueAt) : t("review.noDueDate")}</Text>
              </div>
            </SimpleGrid>
            <Text size="sm" c="dimmed" mt="sm">
              {t("review.case.deidentified")}
            </Text>
          </Paper>
          {invited && <InvitationPanel caseId={caseItem.id} assignment={own} />}
          <SummarySections caseId={caseItem.id} pair={pair} comments={caseItem.comments} canComment={!invited} />
          {!invited && <ReviewOptionsPanel caseId={caseItem.id} status={caseItem.status} options={caseItem.options} />}
          {!invited && <OpinionPanel caseId={caseItem.id} status={caseItem.status} assignment={own} />}
          <Timeline activity={activity} />
        </Stack>
      )}
    </CaseFollower>
  );
}
