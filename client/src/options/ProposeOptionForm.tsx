import { Alert, Button, Select, SimpleGrid, TextInput, Textarea } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Complexity, PathwayKind, ProposePathwayOptionInput } from "../generated/graphql";
import { describeError } from "../ui/errors";

const KINDS: PathwayKind[] = ["CONFIRM_CURRENT_PLAN", "ALTERNATIVE_TREATMENT", "CLINICAL_TRIAL", "FURTHER_DIAGNOSTICS", "SPECIALIST_CONSULTATION", "TREATMENT_ABROAD"];
const COMPLEXITIES: Complexity[] = ["LOW", "MEDIUM", "HIGH"];
const EMPTY = { kind: "CONFIRM_CURRENT_PLAN" as PathwayKind, complexity: "LOW" as Complexity, title: "", description: "", eligibility: "", evidence: "" };

/**
 * The fields of a new pathway option, for coordinators and reviewers alike; the caller places them
 * under its own heading and sends them. The form empties once `propose` answers true.
 */
export function ProposeOptionForm({
  caseId,
  submitLabel,
  loading,
  error,
  propose,
}: {
  caseId: string;
  submitLabel: string;
  loading: boolean;
  /** Shown above the button; leave out when the caller shows errors elsewhere. */
  error?: unknown;
  propose: (input: ProposePathwayOptionInput) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState(EMPTY);

  const submit = async () => {
    const done = await propose({
      caseId,
      kind: form.kind,
      complexity: form.complexity,
      title: form.title.trim(),
      description: form.description.trim(),
      eligibility: form.eligibility.trim() || null,
      evidence: form.evidence.trim() || null,
    });
    if (done) setForm(EMPTY);
  };

  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select label={t("options.kind")} data={KINDS.map((value) => ({ value, label: t(`pathwayKind.${value}`) }))} value={form.kind} onChange={(value) => value && setForm({ ...form, kind: value as PathwayKind })} allowDeselect={false} />
        <Select label={t("options.complexity")} data={COMPLEXITIES.map((value) => ({ value, label: t(`complexity.${value}`) }))} value={form.complexity} onChange={(value) => value && setForm({ ...form, complexity: value as Complexity })} allowDeselect={false} />
      </SimpleGrid>
      <TextInput label={t("options.optionTitle")} required value={form.title} onChange={(e) => setForm({ ...form, title: e.currentTarget.value })} />
      <Textarea label={t("options.description")} required autosize minRows={2} value={form.description} onChange={(e) => setForm({ ...form, description: e.currentTarget.value })} />
      <TextInput label={t("options.eligibility")} value={form.eligibility} onChange={(e) => setForm({ ...form, eligibility: e.currentTarget.value })} />
      <TextInput label={t("options.evidence")} value={form.evidence} onChange={(e) => setForm({ ...form, evidence: e.currentTarget.value })} />
      {error ? (
        <Alert color="red" role="alert">
          {describeError(t, error)}
        </Alert>
      ) : null}
      <Button onClick={() => void submit()} loading={loading} disabled={!form.title.trim() || !form.description.trim()} style={{ alignSelf: "flex-end" }}>
        {submitLabel}
      </Button>
    </>
  );
}
