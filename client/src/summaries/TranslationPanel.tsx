import { useMutation } from "@apollo/client/react";
import { Alert, Badge, Button, Grid, Group, Paper, Select, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { CaseDetailDocument, PublishCaseSummaryDocument, SaveCaseSummaryDocument, type SummaryFieldsFragment } from "../generated/graphql";
import { describeError } from "../ui/errors";
import { notify } from "../ui/notify";
import { Empty } from "../ui/states";
import { LONG_SECTIONS, TEXT_SECTIONS, draftOf, inputOf, newest, type SummaryDraft } from "./summary-form";

function SourceText({ children }: { children: string }) {
  const { t } = useTranslation();
  return (
    <Text size="sm" style={{ whiteSpace: "pre-wrap" }} lang="en" c={children ? undefined : "dimmed"}>
      {children || t("translation.emptySection")}
    </Text>
  );
}

/** The Chinese translation, section by section beside the published English source; stale when the source moved on. */
export function TranslationPanel({ caseId, summaries }: { caseId: string; summaries: SummaryFieldsFragment[] }) {
  const { t } = useTranslation();
  const source = newest(summaries, "EN", true);
  const translation = newest(summaries, "ZH");
  const [draft, setDraft] = useState<SummaryDraft>(() => draftOf(translation));
  const [dirty, setDirty] = useState(false);
  const refetchQueries = [{ query: CaseDetailDocument, variables: { id: caseId } }];
  const [save, saving] = useMutation(SaveCaseSummaryDocument, { refetchQueries });
  const [publish, publishing] = useMutation(PublishCaseSummaryDocument, { refetchQueries });

  useEffect(() => {
    if (!dirty) setDraft(draftOf(translation));
  }, [translation?.id]);

  if (!source) return <Empty>{t("translation.noSource")}</Empty>;
  const stale = translation !== null && (translation.stale || translation.translationOf?.id !== source.id);
  const sourceDraft = draftOf(source);
  const edit = (change: Partial<SummaryDraft>) => {
    setDraft({ ...draft, ...change });
    setDirty(true);
  };

  const saveDraft = async () => {
    const result = await save({ variables: { input: { caseId, language: "ZH", translationOfId: source.id, expectedVersion: translation?.version ?? 0, ...inputOf(draft) } } }).catch(() => null);
    if (result?.data) {
      setDirty(false);
      notify(t, t("summary.saved", { version: result.data.saveCaseSummary.version }));
    }
    return result?.data?.saveCaseSummary ?? null;
  };
  const saveAndPublish = async () => {
    const saved = dirty || !translation || stale ? await saveDraft() : translation;
    if (!saved) return;
    const result = await publish({ variables: { id: saved.id } }).catch(() => null);
    if (result?.data) notify(t, t("summary.publishedNotice", { version: result.data.publishCaseSummary.version }));
  };
  const error = saving.error ?? publishing.error;

  const row = (label: string, sourceText: string, field: ReactNode) => (
    <Grid key={label} align="flex-start">
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Text size="xs" fw={600} c="dimmed">
          {t("translation.sourceLabel", { section: label })}
        </Text>
        <SourceText>{sourceText}</SourceText>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>{field}</Grid.Col>
    </Grid>
  );

  return (
    <Paper withBorder p="md">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            {t("translation.title")}
          </Title>
          <Group gap="xs">
            <Badge variant="outline" color="dark" style={{ textTransform: "none" }}>
              {t("translation.source", { version: source.version })}
            </Badge>
            {translation && (
              <Badge variant="outline" color={translation.publishedAt ? "teal.9" : "dark"} style={{ textTransform: "none" }}>
                {translation.publishedAt ? t("translation.published", { version: translation.version }) : t("summary.draft")}
              </Badge>
            )}
          </Group>
        </Group>
        {stale && (
          <Alert color="orange" role="status" title={t("translation.staleTitle")}>
            {t("translation.staleHint")}
          </Alert>
        )}
        {TEXT_SECTIONS.map((section) =>
          row(
            t(`summary.section.${section}`),
            sourceDraft[section],
            LONG_SECTIONS.has(section) ? (
              <Textarea label={t(`summary.section.${section}`)} lang="zh-CN" value={draft[section]} onChange={(e) => edit({ [section]: e.currentTarget.value })} autosize minRows={3} />
            ) : (
              <TextInput label={t(`summary.section.${section}`)} lang="zh-CN" value={draft[section]} onChange={(e) => edit({ [section]: e.currentTarget.value })} />
            ),
          ),
        )}
        {row(
          t("summary.section.ecogPerformanceStatus"),
          sourceDraft.ecogPerformanceStatus ? t(`summary.ecog.${sourceDraft.ecogPerformanceStatus}`) : "",
          <Select
            label={t("summary.section.ecogPerformanceStatus")}
            data={["0", "1", "2", "3", "4", "5"].map((value) => ({ value, label: t(`summary.ecog.${value}`) }))}
            value={draft.ecogPerformanceStatus || null}
            onChange={(value) => edit({ ecogPerformanceStatus: value ?? "" })}
            clearable
          />,
        )}
        {row(
          t("summary.section.biomarkers"),
          sourceDraft.biomarkers.map((b) => `${b.name}: ${b.result}`).join("\n"),
          <Stack gap="xs">
            {sourceDraft.biomarkers.map((biomarker, index) => (
              <TextInput
                key={index}
                lang="zh-CN"
                label={t("translation.biomarker", { name: biomarker.name })}
                value={draft.biomarkers[index]?.result ?? ""}
                onChange={(e) => {
                  const biomarkers = sourceDraft.biomarkers.map((b, i) => ({ name: draft.biomarkers[i]?.name || b.name, result: draft.biomarkers[i]?.result ?? "" }));
                  biomarkers[index] = { ...biomarkers[index], result: e.currentTarget.value };
                  edit({ biomarkers });
                }}
              />
            ))}
          </Stack>,
        )}
        {sourceDraft.questionsForReviewers.map((question, index) =>
          row(
            t("summary.question", { number: index + 1 }),
            question,
            <Textarea
              label={t("summary.question", { number: index + 1 })}
              lang="zh-CN"
              autosize
              value={draft.questionsForReviewers[index] ?? ""}
              onChange={(e) => {
                const questions = sourceDraft.questionsForReviewers.map((_, i) => draft.questionsForReviewers[i] ?? "");
                questions[index] = e.currentTarget.value;
                edit({ questionsForReviewers: questions });
              }}
            />,
          ),
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
          <Button onClick={() => void saveAndPublish()} loading={publishing.loading} disabled={!dirty && !stale && (!translation || translation.publishedAt !== null)}>
            {t("translation.publish")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
