import { useMutation } from "@apollo/client/react";
import { Alert, Button, Group, List, Modal, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { TransitionCaseDocument, type CaseHeaderFragment, type CaseStatus } from "../generated/graphql";
import { describeError, errorFacts } from "../ui/errors";

type Kind = "forward" | "hold" | "resume" | "withdraw";
type Option = CaseHeaderFragment["allowedTransitions"][number];

function kindOf(caseItem: CaseHeaderFragment, to: CaseStatus): Kind {
  if (to === "ON_HOLD") return "hold";
  if (to === "WITHDRAWN") return "withdraw";
  if (caseItem.status === "ON_HOLD" && to === caseItem.heldFrom) return "resume";
  return "forward";
}

const ORDER: Record<Kind, number> = { resume: 0, forward: 1, hold: 2, withdraw: 3 };

/** The moves the server offers this viewer (Case.allowedTransitions), each with what it still needs, in words, before anyone clicks. */
export function TransitionPanel({ caseItem }: { caseItem: CaseHeaderFragment }) {
  const { t } = useTranslation();
  const [transition, { loading, error, reset }] = useMutation(TransitionCaseDocument);
  const [pending, setPending] = useState<Option | null>(null);
  const [note, setNote] = useState("");
  const options = [...caseItem.allowedTransitions].sort((a, b) => ORDER[kindOf(caseItem, a.to)] - ORDER[kindOf(caseItem, b.to)]);

  const run = async (option: Option, withNote: string | null) => {
    reset();
    await transition({ variables: { id: caseItem.id, to: option.to, expectedVersion: caseItem.version, note: withNote } }).catch(() => null);
    setPending(null);
    setNote("");
  };

  const labelOf = (option: Option) => {
    const kind = kindOf(caseItem, option.to);
    return kind === "forward" ? t("transition.moveTo", { status: t(`status.${option.to}`) }) : t(`transition.${kind}`);
  };
  const asksForNote = (option: Option) => option.noteRequired || kindOf(caseItem, option.to) === "withdraw";
  const refused = error ? errorFacts(error) : null;

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t("transition.title")}
        </Title>
        {options.length === 0 ? (
          <Text c="dimmed">{t("transition.none")}</Text>
        ) : (
          <Stack gap="xs">
            {options.map((option) => {
              const kind = kindOf(caseItem, option.to);
              return (
                <Group key={option.to} align="flex-start" wrap="nowrap">
                  <Button
                    variant={kind === "forward" || kind === "resume" ? (option.allowed ? "filled" : "light") : kind === "withdraw" ? "outline" : "default"}
                    color={kind === "withdraw" ? "red" : undefined}
                    loading={loading && pending?.to === option.to}
                    onClick={() => (asksForNote(option) ? setPending(option) : (setPending(option), void run(option, null)))}
                  >
                    {labelOf(option)}
                  </Button>
                  {!option.allowed && option.missing.length > 0 && (
                    <div>
                      <Text size="sm" fw={600}>
                        {t("transition.stillNeeded")}
                      </Text>
                      <List size="sm">
                        {option.missing.map((item) => (
                          <List.Item key={item}>{t(`missing.${item}`)}</List.Item>
                        ))}
                      </List>
                    </div>
                  )}
                </Group>
              );
            })}
          </Stack>
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
      <Modal opened={pending !== null && asksForNote(pending)} onClose={() => setPending(null)} title={pending ? labelOf(pending) : ""}>
        {pending && (
          <Stack>
            <Text size="sm">{pending.to === "ON_HOLD" ? t("transition.holdHint") : t("transition.withdrawHint")}</Text>
            <Textarea
              label={pending.noteRequired ? t("transition.holdReason") : t("transition.withdrawReason")}
              required={pending.noteRequired}
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
                color={pending.to === "WITHDRAWN" ? "red" : undefined}
                loading={loading}
                disabled={pending.noteRequired && !note.trim()}
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
