import { useMutation } from "@apollo/client/react";
import { Alert, Button, Group, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { MyAssignmentsDocument, RespondToInvitationDocument, ReviewCaseDocument, type ReviewOwnAssignmentFragment } from "../generated/graphql";
import { describeError } from "../ui/errors";
import { useFormat } from "../ui/format";
import { notify } from "../ui/notify";

/** An invitation waiting for the reviewer: accept (the whole de-identified case opens), or decline with a reason. */
export function InvitationPanel({ caseId, assignment }: { caseId: string; assignment: ReviewOwnAssignmentFragment }) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  const [respond, responding] = useMutation(RespondToInvitationDocument);

  const answer = async (accept: boolean) => {
    const result = await respond({
      variables: { assignmentId: assignment.id, accept, reason: accept ? null : reason.trim() },
      refetchQueries: accept ? [{ query: ReviewCaseDocument, variables: { id: caseId } }] : [{ query: MyAssignmentsDocument, variables: { status: ["INVITED"] } }],
      awaitRefetchQueries: true,
    }).catch(() => null);
    if (!result?.data) return;
    notify(t, t(accept ? "review.invitation.accepted" : "review.invitation.declined"));
    // A declined case is no longer the reviewer's to see.
    if (!accept) navigate("/review", { replace: true });
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="review-invitation">
      <Title order={2} size="h4" mb="xs" id="review-invitation">
        {t("review.invitation.title")}
      </Title>
      <Stack gap="sm">
        <Text>{t("review.invitation.explain")}</Text>
        <Text size="sm" c="dimmed">
          {t("review.invitation.invitedAt", { date: format.date(assignment.invitedAt) })}
          {assignment.dueAt ? ` · ${t("review.invitation.dueAt", { date: format.date(assignment.dueAt) })}` : ""}
        </Text>
        {responding.error && (
          <Alert color="red" role="alert">
            {describeError(t, responding.error)}
          </Alert>
        )}
        {declining ? (
          <Stack gap="xs">
            <Textarea
              label={t("review.invitation.reason")}
              description={t("review.invitation.reasonHint")}
              required
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              autosize
              minRows={2}
              data-autofocus
            />
            <Group gap="xs">
              <Button color="red" onClick={() => void answer(false)} loading={responding.loading} disabled={!reason.trim()}>
                {t("review.invitation.confirmDecline")}
              </Button>
              <Button variant="default" onClick={() => setDeclining(false)}>
                {t("common.cancel")}
              </Button>
            </Group>
          </Stack>
        ) : (
          <Group gap="xs">
            <Button onClick={() => void answer(true)} loading={responding.loading}>
              {t("review.invitation.accept")}
            </Button>
            <Button variant="default" onClick={() => setDeclining(true)}>
              {t("review.invitation.decline")}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
