import { ActionIcon, Button, Group, Select, Stack, TextInput, Textarea } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { LONG_SECTIONS, TEXT_SECTIONS, type SummaryDraft } from "./summary-form";

/** The editable sections of a structured summary. */
export function SummaryFields({ draft, onChange }: { draft: SummaryDraft; onChange: (draft: SummaryDraft) => void }) {
  const { t } = useTranslation();
  const set = (change: Partial<SummaryDraft>) => onChange({ ...draft, ...change });
  return (
    <Stack>
      {TEXT_SECTIONS.map((section) =>
        LONG_SECTIONS.has(section) ? (
          <Textarea key={section} label={t(`summary.section.${section}`)} value={draft[section]} onChange={(e) => set({ [section]: e.currentTarget.value })} autosize minRows={3} />
        ) : (
          <TextInput key={section} label={t(`summary.section.${section}`)} value={draft[section]} onChange={(e) => set({ [section]: e.currentTarget.value })} />
        ),
      )}
      <Select
        label={t("summary.section.ecogPerformanceStatus")}
        data={["0", "1", "2", "3", "4", "5"].map((value) => ({ value, label: t(`summary.ecog.${value}`) }))}
        value={draft.ecogPerformanceStatus || null}
        onChange={(value) => set({ ecogPerformanceStatus: value ?? "" })}
        clearable
      />
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <legend>{t("summary.section.biomarkers")}</legend>
        <Stack gap="xs">
          {draft.biomarkers.map((biomarker, index) => (
            <Group key={index} align="flex-end" wrap="nowrap">
              <TextInput
                label={t("summary.biomarkerName")}
                value={biomarker.name}
                onChange={(e) => set({ biomarkers: draft.biomarkers.map((b, i) => (i === index ? { ...b, name: e.currentTarget.value } : b)) })}
              />
              <TextInput
                label={t("summary.biomarkerResult")}
                value={biomarker.result}
                onChange={(e) => set({ biomarkers: draft.biomarkers.map((b, i) => (i === index ? { ...b, result: e.currentTarget.value } : b)) })}
              />
              <ActionIcon variant="default" size="lg" aria-label={t("summary.removeBiomarker")} onClick={() => set({ biomarkers: draft.biomarkers.filter((_, i) => i !== index) })}>
                ×
              </ActionIcon>
            </Group>
          ))}
          <Button variant="subtle" size="xs" onClick={() => set({ biomarkers: [...draft.biomarkers, { name: "", result: "" }] })} style={{ alignSelf: "flex-start" }}>
            {t("summary.addBiomarker")}
          </Button>
        </Stack>
      </fieldset>
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <legend>{t("summary.section.questionsForReviewers")}</legend>
        <Stack gap="xs">
          {draft.questionsForReviewers.map((question, index) => (
            <Group key={index} align="flex-end" wrap="nowrap">
              <Textarea
                style={{ flex: 1 }}
                label={t("summary.question", { number: index + 1 })}
                value={question}
                autosize
                onChange={(e) => set({ questionsForReviewers: draft.questionsForReviewers.map((q, i) => (i === index ? e.currentTarget.value : q)) })}
              />
              <ActionIcon variant="default" size="lg" aria-label={t("summary.removeQuestion")} onClick={() => set({ questionsForReviewers: draft.questionsForReviewers.filter((_, i) => i !== index) })}>
                ×
              </ActionIcon>
            </Group>
          ))}
          <Button variant="subtle" size="xs" onClick={() => set({ questionsForReviewers: [...draft.questionsForReviewers, ""] })} style={{ alignSelf: "flex-start" }}>
            {t("summary.addQuestion")}
          </Button>
        </Stack>
      </fieldset>
    </Stack>
  );
}
