import { useMutation } from "@apollo/client/react";
import { Alert, Button, Paper, Select, Stack, Text, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AddCommentDocument, CaseDetailDocument, type CommentFieldsFragment, type SummaryFieldsFragment, type SummarySection } from "../generated/graphql";
import { newest } from "../summaries/summary-form";
import { describeError } from "../ui/errors";
import { useFormat } from "../ui/format";
import { Empty } from "../ui/states";

const SECTIONS: SummarySection[] = ["GENERAL", "PRIMARY_CANCER", "HISTOLOGY", "STAGE", "BIOMARKERS", "PERFORMANCE_STATUS", "TREATMENT_HISTORY", "CURRENT_PLAN", "QUESTIONS"];

/** Comments grouped by the summary section they are anchored to, with replies; coordinators may add their own. */
export function CommentsPanel({ caseId, comments, summaries }: { caseId: string; comments: CommentFieldsFragment[]; summaries: SummaryFieldsFragment[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const published = newest(summaries, "EN", true);
  const [section, setSection] = useState<SummarySection>("GENERAL");
  const [body, setBody] = useState("");
  const [add, adding] = useMutation(AddCommentDocument, { refetchQueries: [{ query: CaseDetailDocument, variables: { id: caseId } }] });

  const submit = async () => {
    if (!published || !body.trim()) return;
    const result = await add({ variables: { input: { caseId, summaryId: published.id, section, body: body.trim() } } }).catch(() => null);
    if (result?.data) setBody("");
  };

  const bySection = SECTIONS.map((name) => ({ name, items: comments.filter((c) => c.section === name) })).filter((group) => group.items.length > 0);

  return (
    <Stack>
      {bySection.length === 0 ? (
        <Paper withBorder p="md">
          <Empty>{t("comments.empty")}</Empty>
        </Paper>
      ) : (
        bySection.map((group) => (
          <Paper key={group.name} withBorder p="md">
            <Title order={2} size="h4" mb="sm">
              {t(`section.${group.name}`)}
            </Title>
            <Stack gap="sm">
              {group.items.map((comment) => (
                <Paper key={comment.id} p="sm" bg="gray.0" ml={comment.parent ? "xl" : 0}>
                  <Text size="sm" fw={600}>
                    {comment.authorName}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t("comments.meta", { date: format.dateTime(comment.createdAt), version: comment.summary.version })}
                  </Text>
                  <Text size="sm" mt={4} style={{ whiteSpace: "pre-wrap" }}>
                    {comment.body}
                  </Text>
                </Paper>
              ))}
            </Stack>
          </Paper>
        ))
      )}
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("comments.add")}
        </Title>
        {!published ? (
          <Text c="dimmed">{t("comments.needsSummary")}</Text>
        ) : (
          <Stack>
            <Select label={t("comments.section")} data={SECTIONS.map((value) => ({ value, label: t(`section.${value}`) }))} value={section} onChange={(value) => value && setSection(value as SummarySection)} allowDeselect={false} />
            <Textarea label={t("comments.body")} value={body} onChange={(e) => setBody(e.currentTarget.value)} autosize minRows={2} />
            {adding.error && (
              <Alert color="red" role="alert">
                {describeError(t, adding.error)}
              </Alert>
            )}
            <Button onClick={() => void submit()} loading={adding.loading} disabled={!body.trim()} style={{ alignSelf: "flex-end" }}>
              {t("comments.post")}
            </Button>
          </Stack>
        )}
      </Paper>
    </Stack>
  );
}
