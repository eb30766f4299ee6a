import { useMutation } from "@apollo/client/react";
import { Alert, Button, Group, List, Modal, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { TransitionCaseDocument, type CaseHeaderFragment, type CaseStatus } from "../generated/graphql";
import { describeError, errorFacts } from "../ui/errors";
import { isTerminal, nextForward } from "./workflow";

type Action = { to: CaseStatus; kind: "forward" | "hold" | "resume" | "withdraw" };

/** The next step of a case and the other moves (hold, resume, withdraw); what is missing, in words. */
export function TransitionPanel({ caseItem }: { caseItem: CaseHeaderFragment }) {
  const { t } = useTranslation();
  const [transition, { loading, error, reset }] = useMutation(TransitionCaseDocument);
  const [pending, setPending] = useState<Action | null>(null);
  const [note, setNote] = useState("");
  const status = caseItem.status;

  const actions: Action[] = [];
  if (status === "ON_HOLD" && caseItem.heldFrom) actions.push({ to: caseItem.heldFrom, kind: "resume" });
  const next = status === "ON_HOLD" ? null : nextForward(status);
  if (next) actions.push({ to: next, kind: "forward" });
  if (!isTerminal(status) && status !== "ON_HOLD") actions.push({ to: "ON_HOLD", kind: "hold" });
  if (!isTerminal(status)) actions.push({ to: "WITHDRAWN", kind: "withdraw" });

  const run = async (action: Action, withNote: string | null) => {
    reset();
    await transition({ variables: { id: caseItem.id, to: action.to, expectedVersion: caseItem.version, note: withNote } }).catch(() => null);
    setPending(null);
    setNote("");
  };

  const refused = error ? errorFacts(error) : null;
  const labelOf = (action: Action) =>
    action.kind === "forward" ? t("transition.moveTo", { status: t(`status.${action.to}`) }) : t(`transition.${action.kind}`);

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t("transition.title")}
        </Title>
        {actions.length === 0 ? (
          <Text c="dimmed">{t("transition.none")}</Text>
        ) : (
          <Group>
            {actions.map((action) => (
              <Button
                key={action.kind}
                variant={action.kind === "forward" || action.kind === "resume" ? "filled" : action.kind === "withdraw" ? "outline" : "default"}
                color={action.kind === "withdraw" ? "red" : undefined}
                loading={loading && pending?.kind === action.kind}
                onClick={() => (action.kind === "forward" || action.kind === "resume" ? void run(action, null) : setPending(action))}
              >
                {labelOf(action)}
              </Button>
            ))}
          </Group>
        )}
        {refused && refused.code === "TRANSITION_NOT_ALLOWED" ? (
          <Alert color="orange" role="alert" title={t("transition.refused")}>
            {refused.missing.length ? (
              <List size="sm">
                {refused.missing.map((item) => (
                  <List.Item key={item}>{t(`missing.${item}`)}</List.Item>
                ))}
              </List>
            ) : (
              <Text size="sm">{t("transition.notAnEdge")}</Text>
            )}
          </Alert>
        ) : (
          error && (
            <Alert color="red" role="alert">
              {describeError(t, error)}
            </Alert>
          )
        )}
      </Stack>
      <Modal opened={pending !== null} onClose={() => setPending(null)} title={pending ? labelOf(pending) : ""}>
        {pending && (
          <Stack>
            <Text size="sm">{pending.kind === "hold" ? t("transition.holdHint") : t("transition.withdrawHint")}</Text>
            <Textarea
              label={pending.kind === "hold" ? t("transition.holdReason") : t("transition.withdrawReason")}
              required={pending.kind === "hold"}
              value={note}
              onChange={(event) => setNote(event.currentTarget.value)}
              autosize
              minRows={2}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setPending(null)}>
                {t("common.cancel")}
              </Button>
              <Button
                color={pending.kind === "withdraw" ? "red" : undefined}
                loading={loading}
                disabled={pending.kind === "hold" && !note.trim()}
                onClick={() => void run(pending, note.trim() || null)}
              >
                {labelOf(pending)}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Paper>
  );
}
