import { Anchor, Badge, Button, Group, List, Paper, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { RouteError } from "../app/RouteError";
import { useCaseActivity } from "../cases/use-case-activity";
import type { CaseEventFieldsFragment, CaseStatus, MyCaseFragment } from "../generated/graphql";
import { useFormat } from "../ui/format";
import { PageHeading } from "../ui/PageHeading";
import { StatusBadge } from "../ui/StatusBadge";
import { Empty, ErrorState, Loading } from "../ui/states";
import { STEPS, isFinished, needsOf, type Need } from "./my-cases";
import { PortalTimeline } from "./PortalTimeline";
import { useMyCases } from "./use-my-cases";

/** Events after which what the patient is asked for may have changed. */
const CHANGES_NEEDS = new Set(["STATUS_CHANGED", "RECORD_UPLOADED", "CONSENT_GRANTED", "CONSENT_REVOKED", "REVIEWER_INVITED", "REVIEW_SUBMITTED"]);

/** My case: where it stands in words, what each step means, what is needed from me, and what happened, live. */
export default function MyCasePage() {
  const { t } = useTranslation();
  const { caseId } = useParams();
  const mine = useMyCases(caseId);

  if (mine.error) return <ErrorState error={mine.error} onRetry={mine.refetch} />;
  if (mine.loading) return <Loading />;
  if (caseId && mine.current?.id !== caseId) return <RouteError notFound />;
  const title = t("portal.case.title");
  if (!mine.current) {
    return (
      <Stack>
        <PageHeading title={title}>{title}</PageHeading>
        <Empty>{t("portal.case.none")}</Empty>
      </Stack>
    );
  }
  const others = mine.cases.filter((c) => c.id !== mine.current!.id);
  return (
    <Stack>
      <PageHeading title={title}>{title}</PageHeading>
      <CaseView key={mine.current.id} myCase={mine.current} needs={needsOf(mine.current, mine.consents)} onChange={mine.refetch} />
      {others.length > 0 && (
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
            {t("portal.case.others")}
          </Title>
          <List spacing="xs" listStyleType="none">
            {others.map((other) => (
              <List.Item key={other.id}>
                <Group gap="sm">
                  <Anchor component={Link} to={`/my-case/cases/${other.id}`}>
                    {t("portal.case.reference", { reference: other.reference })}
                  </Anchor>
                  <StatusBadge status={other.status} />
                </Group>
              </List.Item>
            ))}
          </List>
        </Paper>
      )}
    </Stack>
  );
}

function CaseView({ myCase, needs, onChange }: { myCase: MyCaseFragment; needs: Need[]; onChange: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const activity = useCaseActivity(myCase.id, (event: CaseEventFieldsFragment) => {
    if (CHANGES_NEEDS.has(event.type)) onChange();
  });
  const shown: CaseStatus = myCase.status === "ON_HOLD" && myCase.heldFrom ? myCase.heldFrom : myCase.status;
  const stepIndex = STEPS.indexOf(shown);
  return (
    <>
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Group gap="sm">
            <Text fw={600}>{t("portal.case.reference", { reference: myCase.reference })}</Text>
            <StatusBadge status={myCase.status} testId="my-case-status" />
          </Group>
          <Text size="sm" c="dimmed">
            {t("portal.case.since", { date: format.date(myCase.statusSince) })}
          </Text>
          <Text data-testid="my-case-meaning">{t(`portal.meaning.${myCase.status}`)}</Text>
          {myCase.status === "ON_HOLD" && myCase.heldFrom && <Text>{t("portal.case.resumes", { status: t(`status.${myCase.heldFrom}`) })}</Text>}
          {myCase.reason && (
            <Text size="sm">
              {t("portal.case.question")} {myCase.reason}
            </Text>
          )}
        </Stack>
      </Paper>
      <NeedsPanel myCase={myCase} needs={needs} />
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("portal.steps.title")}
        </Title>
        <Text size="sm" mb="sm">
          {t("portal.steps.intro")}
        </Text>
        <Stack component="ol" gap="sm" p={0} m={0} style={{ listStyle: "none" }}>
          {STEPS.map((step, index) => {
            const current = index === stepIndex && !isFinished(myCase.status);
            const done = index < stepIndex || (step === "CLOSED" && myCase.status === "CLOSED");
            return (
              <Group component="li" key={step} gap="sm" wrap="nowrap" align="flex-start" aria-current={current ? "step" : undefined}>
                <ThemeIcon radius="xl" size="md" variant={current ? "filled" : "light"} color={done || current ? "meridian" : "gray"} aria-hidden>
                  {index + 1}
                </ThemeIcon>
                <div>
                  <Group gap="xs">
                    <Text fw={current ? 700 : 500}>{t(`status.${step}`)}</Text>
                    {current && (
                      <Badge size="sm" variant="outline" color="dark" style={{ textTransform: "none" }}>
                        {t("portal.steps.now")}
                      </Badge>
                    )}
                    {done && (
                      <Text size="xs" c="dimmed">
                        {t("portal.steps.done")}
                      </Text>
                    )}
                  </Group>
                  <Text size="sm">{t(`portal.meaning.${step}`)}</Text>
                </div>
              </Group>
            );
          })}
        </Stack>
      </Paper>
      <PortalTimeline activity={activity} />
    </>
  );
}

function NeedsPanel({ myCase, needs }: { myCase: MyCaseFragment; needs: Need[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const countries = useMemo(() => {
    const names = new Intl.DisplayNames([format.locale], { type: "region" });
    const list = new Intl.ListFormat(format.locale, { type: "conjunction" });
    return (codes: string[]) => list.format(codes.map((code) => names.of(code) ?? code));
  }, [format.locale]);
  return (
    <Paper withBorder p="md" data-testid="my-needs">
      <Title order={2} size="h4" mb="sm">
        {t("portal.needs.title")}
      </Title>
      {isFinished(myCase.status) ? (
        <Text>{t("portal.needs.finished")}</Text>
      ) : needs.length === 0 ? (
        <Text>{t("portal.needs.nothing")}</Text>
      ) : (
        <Stack gap="sm">
          {needs.map((need) =>
            need.kind === "RECORDS" ? (
              <Group key="records" justify="space-between">
                <Text>{t("portal.needs.records")}</Text>
                <Button component={Link} to={`/my-case/records?case=${myCase.id}`} variant="light">
                  {t("portal.needs.recordsAction")}
                </Button>
              </Group>
            ) : (
              <Group key="consent" justify="space-between">
                <Text>
                  {need.countries.length > 0
                    ? t("portal.needs.consentFor", { countries: countries(need.countries) })
                    : t("portal.needs.consent")}
                </Text>
                <Button component={Link} to="/my-case/consent" variant="light">
                  {t("portal.needs.consentAction")}
                </Button>
              </Group>
            ),
          )}
        </Stack>
      )}
    </Paper>
  );
}
