import { useMutation } from "@apollo/client/react";
import { Alert, Button, Group, Modal, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ReviewCaseDocument, SubmitReviewDocument, type CaseStatus, type ReviewOwnAssignmentFragment } from "../generated/graphql";
import { describeError } from "../ui/errors";
import { useFormat } from "../ui/format";
import { notify } from "../ui/notify";

/** Opinions are taken while the case is in review (the API's rule). */
const REVIEW_STATUSES: CaseStatus[] = ["PATHWAY_ASSESSMENT", "OPTION_MAPPING"];

/** The reviewer's written opinion: written, confirmed, submitted once; read-only afterwards. */
export function OpinionPanel({ caseId, status, assignment }: { caseId: string; status: CaseStatus; assignment: ReviewOwnAssignmentFragment }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [opinion, setOpinion] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [submit, submitting] = useMutation(SubmitReviewDocument, { refetchQueries: [{ query: ReviewCaseDocument, variables: { id: caseId } }], awaitRefetchQueries: true });
  const open = REVIEW_STATUSES.includes(status);

  const send = async () => {
    const result = await submit({ variables: { assignmentId: assignment.id, opinion: opinion.trim() } }).catch(() => null);
    setConfirming(false);
    if (result?.data) notify(t, t("review.opinion.submittedNotice"));
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="review-opinion">
      <Title order={2} size="h4" mb="sm" id="review-opinion">
        {t("review.opinion.title")}
      </Title>
      {assignment.status === "SUBMITTED" ? (
        <Stack gap="xs" data-testid="submitted-opinion">
          <Text size="sm" c="dimmed">
            {t("review.opinion.submittedAt", { date: format.dateTime(assignment.submittedAt ?? assignment.invitedAt) })}
          </Text>
          <Text style={{ whiteSpace: "pre-wrap" }}>{assignment.opinion}</Text>
          <Text size="sm" c="dimmed">
            {t("review.opinion.readOnly")}
          </Text>
        </Stack>
      ) : (
        <Stack gap="sm">
          <Text size="sm">{t("review.opinion.hint")}</Text>
          {!open && (
            <Alert color="blue" role="status">
              {t("review.opinion.notYet")}
            </Alert>
          )}
          <Textarea label={t("review.opinion.label")} value={opinion} onChange={(e) => setOpinion(e.currentTarget.value)} autosize minRows={6} />
          {submitting.error && (
            <Alert color="red" role="alert">
              {describeError(t, submitting.error)}
            </Alert>
          )}
          <Button onClick={() => setConfirming(true)} disabled={!opinion.trim() || !open} style={{ alignSelf: "flex-end" }}>
            {t("review.opinion.submit")}
          </Button>
        </Stack>
      )}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t("review.opinion.confirmTitle")} closeButtonProps={{ "aria-label": t("common.close") }}>
        <Stack>
          <Text>{t("review.opinion.confirmText")}</Text>
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t("review.opinion.keepEditing")}
            </Button>
            <Button onClick={() => void send()} loading={submitting.loading}>
              {t("review.opinion.confirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
