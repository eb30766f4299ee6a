import { useMutation } from "@apollo/client/react";
import { Alert, Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ReviewCaseDocument, ReviewProposeOptionDocument, type CaseStatus, type Complexity, type PathwayKind, type ReviewOptionFragment } from "../generated/graphql";
import { describeError } from "../ui/errors";
import { Empty } from "../ui/states";

const KINDS: PathwayKind[] = ["CONFIRM_CURRENT_PLAN", "ALTERNATIVE_TREATMENT", "CLINICAL_TRIAL", "FURTHER_DIAGNOSTICS", "SPECIALIST_CONSULTATION", "TREATMENT_ABROAD"];
const COMPLEXITIES: Complexity[] = ["LOW", "MEDIUM", "HIGH"];
/** From delivery on, options are frozen (the API refuses new ones). */
const FROZEN: CaseStatus[] = ["OPTIONS_DELIVERED", "CLOSED", "WITHDRAWN"];
const EMPTY = { kind: "CONFIRM_CURRENT_PLAN" as PathwayKind, complexity: "LOW" as Complexity, title: "", description: "", eligibility: "", evidence: "" };

/** The team's pathway options, and the reviewer's own proposals. */
export function ReviewOptionsPanel({ caseId, status, options }: { caseId: string; status: CaseStatus; options: ReviewOptionFragment[] }) {
  const { t } = useTranslation();
  const [form, setForm] = useState(EMPTY);
  const [propose, proposing] = useMutation(ReviewProposeOptionDocument, { refetchQueries: [{ query: ReviewCaseDocument, variables: { id: caseId } }], awaitRefetchQueries: true });
  const frozen = FROZEN.includes(status);

  const submit = async () => {
    const result = await propose({
      variables: {
        input: {
          caseId,
          kind: form.kind,
          complexity: form.complexity,
          title: form.title.trim(),
          description: form.description.trim(),
          eligibility: form.eligibility.trim() || null,
          evidence: form.evidence.trim() || null,
        },
      },
    }).catch(() => null);
    if (result?.data) setForm(EMPTY);
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="review-options">
      <Title order={2} size="h4" mb="xs" id="review-options">
        {t("review.options.title")}
      </Title>
      <Text size="sm" mb="sm">
        {t("review.options.hint")}
      </Text>
      {options.length === 0 ? (
        <Empty>{t("review.options.empty")}</Empty>
      ) : (
        <Stack gap="sm" mb="md">
          {options.map((option) => (
            <Paper key={option.id} withBorder p="sm" data-option={option.title}>
              <Group gap="xs">
                <Text fw={600}>{option.title}</Text>
                <Badge variant="outline" color="dark" style={{ textTransform: "none" }}>
                  {t(`pathwayKind.${option.kind}`)}
                </Badge>
                <Badge variant="outline" color="dark" style={{ textTransform: "none" }}>
                  {t("options.complexityValue", { value: t(`complexity.${option.complexity}`) })}
                </Badge>
                <Badge variant="light" color="gray" c="dark.9" style={{ textTransform: "none" }}>
                  {t(`optionStatus.${option.status}`)}
                </Badge>
              </Group>
              <Text size="sm" mt={4} style={{ whiteSpace: "pre-wrap" }}>
                {option.description}
              </Text>
              {option.eligibility && (
                <Text size="sm" c="dimmed">
                  {t("options.eligibilityValue", { value: option.eligibility })}
                </Text>
              )}
              {option.evidence && (
                <Text size="sm" c="dimmed">
                  {t("options.evidenceValue", { value: option.evidence })}
                </Text>
              )}
            </Paper>
          ))}
        </Stack>
      )}
      {frozen ? (
        <Alert color="blue" role="status">
          {t("review.options.frozen")}
        </Alert>
      ) : (
        <Stack>
          <Title order={3} size="h5">
            {t("review.options.propose")}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select label={t("options.kind")} data={KINDS.map((value) => ({ value, label: t(`pathwayKind.${value}`) }))} value={form.kind} onChange={(value) => value && setForm({ ...form, kind: value as PathwayKind })} allowDeselect={false} />
            <Select label={t("options.complexity")} data={COMPLEXITIES.map((value) => ({ value, label: t(`complexity.${value}`) }))} value={form.complexity} onChange={(value) => value && setForm({ ...form, complexity: value as Complexity })} allowDeselect={false} />
          </SimpleGrid>
          <TextInput label={t("options.optionTitle")} required value={form.title} onChange={(e) => setForm({ ...form, title: e.currentTarget.value })} />
          <Textarea label={t("options.description")} required autosize minRows={2} value={form.description} onChange={(e) => setForm({ ...form, description: e.currentTarget.value })} />
          <TextInput label={t("options.eligibility")} value={form.eligibility} onChange={(e) => setForm({ ...form, eligibility: e.currentTarget.value })} />
          <TextInput label={t("options.evidence")} value={form.evidence} onChange={(e) => setForm({ ...form, evidence: e.currentTarget.value })} />
          {proposing.error && (
            <Alert color="red" role="alert">
              {describeError(t, proposing.error)}
            </Alert>
          )}
          <Button onClick={() => void submit()} loading={proposing.loading} disabled={!form.title.trim() || !form.description.trim()} style={{ alignSelf: "flex-end" }}>
            {t("review.options.submit")}
          </Button>
        </Stack>
      )}
    </Paper>
  );
}
