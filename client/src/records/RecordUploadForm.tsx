import { Alert, Button, Group, Paper, Progress, Select, Stack, Text } from "@mantine/core";
import { Dropzone, type FileRejection } from "@mantine/dropzone";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Language, RecordKind } from "../generated/graphql";
import { useFormat } from "../ui/format";
import { ACCEPTED_TYPES, MAX_DOCUMENT_BYTES, type UploadFailure } from "./upload";

const KINDS: RecordKind[] = ["PATHOLOGY_REPORT", "IMAGING_REPORT", "LAB_RESULT", "GENETIC_TEST", "CLINICAL_NOTE", "DISCHARGE_SUMMARY", "TREATMENT_HISTORY", "OTHER"];

/** What the form shows of one file on its way; the caller keeps the rest (record id, failure reason...). */
export interface UploadProgress {
  key: string;
  file: File;
  progress: number;
  state: "uploading" | "done" | "failed";
}

/** The words that differ between the team's records panel and the patient's portal. */
export interface UploadWords {
  kind: string;
  language: string;
  dropLabel: string;
  drop: string;
  /** Beside a file that arrived. */
  done: string;
  /** Names the list of files on their way, where the page wants it named. */
  uploads?: string;
}

/**
 * Kind and language of the next files, a drop zone for several at once, files refused before sending,
 * and a progress bar each. The caller sends the files (`onDrop`) and words failures and retries.
 */
export function RecordUploadForm<U extends UploadProgress>({
  words,
  kind,
  onKindChange,
  language,
  onLanguageChange,
  onDrop,
  uploads,
  failureOf,
  retryOf,
}: {
  words: UploadWords;
  kind: RecordKind;
  onKindChange: (kind: RecordKind) => void;
  language: Language;
  onLanguageChange: (language: Language) => void;
  onDrop: (files: File[]) => void;
  uploads: U[];
  /** Why a failed upload failed, in the reader's words. */
  failureOf: (upload: U) => string | null;
  /** How to try a failed upload again, when trying again can help. */
  retryOf?: (upload: U) => (() => void) | null;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const [rejected, setRejected] = useState<Array<{ name: string; reason: UploadFailure }>>([]);

  const onReject = (rejections: FileRejection[]) =>
    setRejected(rejections.map(({ file, errors }) => ({ name: file.name, reason: errors.some((e) => e.code === "file-too-large") ? "TOO_LARGE" : "UNSUPPORTED" })));

  return (
    <>
      <Group grow>
        <Select label={words.kind} data={KINDS.map((value) => ({ value, label: t(`recordKind.${value}`) }))} value={kind} onChange={(value) => value && onKindChange(value as RecordKind)} allowDeselect={false} />
        <Select
          label={words.language}
          data={[
            { value: "EN", label: t("languageName.EN") },
            { value: "ZH", label: t("languageName.ZH") },
          ]}
          value={language}
          onChange={(value) => value && onLanguageChange(value as Language)}
          allowDeselect={false}
        />
      </Group>
      <Dropzone onDrop={onDrop} onReject={onReject} maxSize={MAX_DOCUMENT_BYTES} accept={ACCEPTED_TYPES} multiple aria-label={words.dropLabel}>
        <Stack align="center" gap={4} py="lg" style={{ pointerEvents: "none" }}>
          <Text fw={600}>{words.drop}</Text>
          <Text size="sm" c="dimmed">
            {t("records.dropHint", { size: format.bytes(MAX_DOCUMENT_BYTES) })}
          </Text>
        </Stack>
      </Dropzone>
      {rejected.length > 0 && (
        <Alert color="red" role="alert" title={t("records.rejectedTitle")} withCloseButton onClose={() => setRejected([])} closeButtonLabel={t("common.close")}>
          <Stack gap={2}>
            {rejected.map((item, index) => (
              <Text size="sm" key={`${index}-${item.name}`}>
                {t(`records.failure.${item.reason}`, { name: item.name, size: format.bytes(MAX_DOCUMENT_BYTES) })}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      {uploads.length > 0 && (
        <Stack gap="xs" aria-label={words.uploads}>
          {uploads.map((upload) => {
            const failure = upload.state === "failed" ? failureOf(upload) : null;
            const retry = upload.state === "failed" ? (retryOf?.(upload) ?? null) : null;
            return (
              <Paper key={upload.key} withBorder p="xs" data-upload={upload.file.name}>
                <Group justify="space-between" wrap="nowrap">
                  <Text size="sm" truncate>
                    {upload.file.name}
                  </Text>
                  <Text size="sm" c={upload.state === "failed" ? "red.8" : "dimmed"}>
                    {upload.state === "done" ? words.done : upload.state === "failed" ? t("records.failed") : format.percent(upload.progress)}
                  </Text>
                </Group>
                <Progress
                  value={upload.progress * 100}
                  color={upload.state === "failed" ? "red" : upload.state === "done" ? "teal" : undefined}
                  mt={4}
                  aria-label={t("records.progress", { name: upload.file.name })}
                />
                {(failure || retry) && (
                  <Group justify="space-between" mt={4}>
                    <Text size="sm" c="red.8" role="alert">
                      {failure}
                    </Text>
                    {retry && (
                      <Button size="xs" variant="light" onClick={retry}>
                        {t("common.retry")}
                      </Button>
                    )}
                  </Group>
                )}
              </Paper>
            );
          })}
        </Stack>
      )}
    </>
  );
}
