import { useApolloClient, useMutation } from "@apollo/client/react";
import { Alert, Badge, Button, Grid, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { CaseDetailDocument, PublishCaseSummaryDocument, SaveCaseSummaryDocument, type SummaryFieldsFragment } from "../generated/graphql";
import { describeError, errorFacts } from "../ui/errors";
import { notify } from "../ui/notify";
import { useFormat } from "../ui/format";
import { SummaryFields } from "./SummaryFields";
import { draftOf, inputOf, newest, TEXT_SECTIONS, type SummaryDraft } from "./summary-form";

/** The sections as plain lines, to compare two versions side by side. */
function linesOf(t: (key: string) => string, draft: SummaryDraft): string[] {
  return [
    ...TEXT_SECTIONS.map((section) => `${t(`summary.section.${section}`)}: ${draft[section]}`),
    `${t("summary.section.ecogPerformanceStatus")}: ${draft.ecogPerformanceStatus}`,
    `${t("summary.section.biomarkers")}: ${draft.biomarkers.map((b) => `${b.name} ${b.result}`).join("; ")}`,
    `${t("summary.section.questionsForReviewers")}: ${draft.questionsForReviewers.join(" / ")}`,
  ];
}

/** The English case summary: every section, saved as drafts (new versions), then published. */
export function SummaryEditor({ caseId, summaries }: { caseId: string; summaries: SummaryFieldsFragment[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const latest = newest(summaries, "EN");
  const [draft, setDraft] = useState<SummaryDraft>(() => draftOf(latest));
  const [dirty, setDirty] = useState(false);
  // The version the draft was based on: a save names it, and someone else's save in between answers CONFLICT.
  const [baseVersion, setBaseVersion] = useState(latest?.version ?? 0);
  const [conflict, setConflict] = useState(false);
  const apollo = useApolloClient();
  const refetchQueries = [{ query: CaseDetailDocument, variables: { id: caseId } }];
  const [save, saving] = useMutation(SaveCaseSummaryDocument, { refetchQueries });
  const [publish, publishing] = useMutation(PublishCaseSummaryDocument, { refetchQueries });

  useEffect(() => {
    if (!dirty) {
      setDraft(draftOf(latest));
      setBaseVersion(latest?.version ?? 0);
    }
  }, [latest?.id]);

  const saveDraft = async (expectedVersion = baseVersion) => {
    const result = await save({ variables: { input: { caseId, language: "EN", expectedVersion, ...inputOf(draft) } } }).catch(async (error: unknown) => {
      if (errorFacts(error).code === "CONFLICT") {
        await apollo.refetchQueries({ include: [CaseDetailDocument] });
        setConflict(true);
      }
      return null;
    });
    if (result?.data) {
      setDirty(false);
      setConflict(false);
      setBaseVersion(result.data.saveCaseSummary.version);
      notify(t, t("summary.saved", { version: result.data.saveCaseSummary.version }));
    }
    return result?.data?.saveCaseSummary ?? null;
  };

  const saveAndPublish = async () => {
    const saved = dirty || !latest ? await saveDraft() : latest;
    if (!saved) return;
    const result = await publish({ variables: { id: saved.id } }).catch(() => null);
    if (result?.data) notify(t, t("summary.publishedNotice", { version: result.data.publishCaseSummary.version }));
  };

  const takeTheirs = () => {
    setDraft(draftOf(latest));
    setBaseVersion(latest?.version ?? 0);
    setDirty(false);
    setConflict(false);
    saving.reset();
  };

  const error = conflict ? null : (saving.error ?? publishing.error);
  return (
    <Paper withBorder p="md">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            {t("summary.title")}
          </Title>
          {latest && (
            <Group gap="xs">
              <Badge variant="outline" color="dark" style={{ textTransform: "none" }}>
                {t("summary.version", { version: latest.version })}
              </Badge>
              <Badge variant="outline" color={latest.publishedAt ? "teal.9" : "dark"} style={{ textTransform: "none" }}>
                {latest.publishedAt ? t("summary.published", { date: format.dateTime(latest.publishedAt) }) : t("summary.draft")}
              </Badge>
            </Group>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          {t("summary.hint")}
        </Text>
        <SummaryFields
          draft={draft}
          onChange={(next) => {
            setDraft(next);
            setDirty(true);
          }}
        />
        {conflict && latest && (
          <Alert color="orange" role="alert" title={t("summary.conflictTitle")}>
            <Stack gap="sm">
              <Text size="sm">{t("summary.conflictHint", { version: latest.version })}</Text>
              <Grid>
                <Grid.Col span={{ base: 12, md: 6 }}>
                  <Text size="sm" fw={600}>
                    {t("summary.yours")}
                  </Text>
                  {linesOf(t, draft).map((line) => (
                    <Text size="sm" key={line}>
                      {line}
                    </Text>
                  ))}
                </Grid.Col>
                <Grid.Col span={{ base: 12, md: 6 }}>
                  <Text size="sm" fw={600}>
                    {t("summary.theirs", { version: latest.version })}
                  </Text>
                  {linesOf(t, draftOf(latest)).map((line) => (
                    <Text size="sm" key={line}>
                      {line}
                    </Text>
                  ))}
                </Grid.Col>
              </Grid>
              <Group>
                <Button size="xs" onClick={() => void saveDraft(latest.version)}>
                  {t("summary.keepMine")}
                </Button>
                <Button size="xs" variant="default" onClick={takeTheirs}>
                  {t("summary.takeTheirs")}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {error && (
          <Alert color="red" role="alert">
            {describeError(t, error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => void saveDraft()} loading={saving.loading} disabled={!dirty}>
            {t("summary.saveDraft")}
          </Button>
          <Button onClick={() => void saveAndPublish()} loading={publishing.loading} disabled={!dirty && (!latest || latest.publishedAt !== null)}>
            {t("summary.publish")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
