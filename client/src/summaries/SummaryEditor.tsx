import { useMutation } from "@apollo/client/react";
import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { CaseDetailDocument, PublishCaseSummaryDocument, SaveCaseSummaryDocument, type SummaryFieldsFragment } from "../generated/graphql";
import { describeError } from "../ui/errors";
import { notify } from "../ui/notify";
import { useFormat } from "../ui/format";
import { SummaryFields } from "./SummaryFields";
import { draftOf, inputOf, newest, type SummaryDraft } from "./summary-form";

/** The English case summary: every section, saved as drafts (new versions), then published. */
export function SummaryEditor({ caseId, summaries }: { caseId: string; summaries: SummaryFieldsFragment[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const latest = newest(summaries, "EN");
  const [draft, setDraft] = useState<SummaryDraft>(() => draftOf(latest));
  const [dirty, setDirty] = useState(false);
  const refetchQueries = [{ query: CaseDetailDocument, variables: { id: caseId } }];
  const [save, saving] = useMutation(SaveCaseSummaryDocument, { refetchQueries });
  const [publish, publishing] = useMutation(PublishCaseSummaryDocument, { refetchQueries });

  useEffect(() => {
    if (!dirty) setDraft(draftOf(latest));
  }, [latest?.id]);

  const saveDraft = async () => {
    const result = await save({ variables: { input: { caseId, language: "EN", ...inputOf(draft) } } }).catch(() => null);
    if (result?.data) {
      setDirty(false);
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

  const error = saving.error ?? publishing.error;
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
