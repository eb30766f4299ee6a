import { useMutation } from "@apollo/client/react";
import { Alert, Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  CaseDetailDocument,
  ProposePathwayOptionDocument,
  SetPathwayOptionStatusDocument,
  type CaseStatus,
  type Complexity,
  type OptionFieldsFragment,
  type OptionStatus,
  type PathwayKind,
} from "../generated/graphql";
import { describeError } from "../ui/errors";
import { Empty } from "../ui/states";

const KINDS: PathwayKind[] = ["CONFIRM_CURRENT_PLAN", "ALTERNATIVE_TREATMENT", "CLINICAL_TRIAL", "FURTHER_DIAGNOSTICS", "SPECIALIST_CONSULTATION", "TREATMENT_ABROAD"];
const COMPLEXITIES: Complexity[] = ["LOW", "MEDIUM", "HIGH"];
const STATUSES: OptionStatus[] = ["PROPOSED", "SELECTED_FOR_PRESENTATION", "SET_ASIDE"];
const FROZEN: CaseStatus[] = ["OPTIONS_DELIVERED", "CLOSED", "WITHDRAWN"];

const EMPTY = { kind: "CONFIRM_CURRENT_PLAN" as PathwayKind, complexity: "LOW" as Complexity, title: "", description: "", eligibility: "", evidence: "" };

/** Pathway options: curate what the review proposed, add the coordinator's own, mark those to present. */
export function OptionsPanel({ caseId, status, options }: { caseId: string; status: CaseStatus; options: OptionFieldsFragment[] }) {
  const { t } = useTranslation();
  const [form, setForm] = useState(EMPTY);
  const refetchQueries = [{ query: CaseDetailDocument, variables: { id: caseId } }];
  const [propose, proposing] = useMutation(ProposePathwayOptionDocument, { refetchQueries });
  const [setStatus, settingStatus] = useMutation(SetPathwayOptionStatusDocument);
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

  const error = proposing.error ?? settingStatus.error;
  return (
    <Stack>
      {frozen && (
        <Alert color="blue" role="status">
          {t("options.frozen")}
        </Alert>
      )}
      {error && (
        <Alert color="red" role="alert">
          {describeError(t, error)}
        </Alert>
      )}
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("options.title")}
        </Title>
        {options.length === 0 ? (
          <Empty>{t("options.empty")}</Empty>
        ) : (
          <Stack gap="sm">
            {options.map((option) => (
              <Paper key={option.id} withBorder p="sm" data-option={option.title}>
                <Group justify="space-between" align="flex-start">
                  <div style={{ flex: 1 }}>
                    <Group gap="xs">
                      <Text fw={600}>{option.title}</Text>
                      <Badge variant="outline" color="dark" style={{ textTransform: "none" }}>
                        {t(`pathwayKind.${option.kind}`)}
                      </Badge>
                      <Badge variant="outline" color="dark" style={{ textTransform: "none" }}>
                        {t("options.complexityValue", { value: t(`complexity.${option.complexity}`) })}
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
                  </div>
                  <Select
                    w={230}
                    label={t("options.status")}
                    aria-label={t("options.statusOf", { title: option.title })}
                    data={STATUSES.map((value) => ({ value, label: t(`optionStatus.${value}`) }))}
                    value={option.status}
                    disabled={frozen}
                    allowDeselect={false}
                    onChange={(value) => value && void setStatus({ variables: { id: option.id, status: value as OptionStatus } }).catch(() => undefined)}
                  />
                </Group>
              </Paper>
            ))}
          </Stack>
        )}
      </Paper>
      {!frozen && (
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
            {t("options.add")}
          </Title>
          <Stack>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select label={t("options.kind")} data={KINDS.map((value) => ({ value, label: t(`pathwayKind.${value}`) }))} value={form.kind} onChange={(value) => value && setForm({ ...form, kind: value as PathwayKind })} allowDeselect={false} />
              <Select label={t("options.complexity")} data={COMPLEXITIES.map((value) => ({ value, label: t(`complexity.${value}`) }))} value={form.complexity} onChange={(value) => value && setForm({ ...form, complexity: value as Complexity })} allowDeselect={false} />
            </SimpleGrid>
            <TextInput label={t("options.optionTitle")} required value={form.title} onChange={(e) => setForm({ ...form, title: e.currentTarget.value })} />
            <Textarea label={t("options.description")} required autosize minRows={2} value={form.description} onChange={(e) => setForm({ ...form, description: e.currentTarget.value })} />
            <TextInput label={t("options.eligibility")} value={form.eligibility} onChange={(e) => setForm({ ...form, eligibility: e.currentTarget.value })} />
            <TextInput label={t("options.evidence")} value={form.evidence} onChange={(e) => setForm({ ...form, evidence: e.currentTarget.value })} />
            <Button onClick={() => void submit()} loading={proposing.loading} disabled={!form.title.trim() || !form.description.trim()} style={{ alignSelf: "flex-end" }}>
              {t("options.propose")}
            </Button>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
