import { useApolloClient, useMutation } from "@apollo/client/react";
import { Alert, Badge, Button, Checkbox, Group, Modal, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  AddMedicalRecordDocument,
  CaseDetailDocument,
  RecordLinksDocument,
  ShareRecordDocument,
  type Language,
  type RecordFieldsFragment,
  type RecordKind,
} from "../generated/graphql";
import { describeError } from "../ui/errors";
import { useFormat } from "../ui/format";
import { Empty } from "../ui/states";
import { RecordUploadForm, type UploadProgress } from "./RecordUploadForm";
import { MAX_DOCUMENT_BYTES, UploadError, contentTypeOf, putDocument, type UploadFailure } from "./upload";

interface Upload extends UploadProgress {
  recordId: string | null;
  failure: UploadFailure | "REFUSED" | null;
  detail: string | null;
}

/** Medical records: drop several files, a progress bar each, retry, download, share after confirming redaction. */
export function RecordsPanel({ caseId, records }: { caseId: string; records: RecordFieldsFragment[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const apollo = useApolloClient();
  const [kind, setKind] = useState<RecordKind>("PATHOLOGY_REPORT");
  const [language, setLanguage] = useState<Language>("EN");
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [sharing, setSharing] = useState<RecordFieldsFragment | null>(null);
  const [redacted, setRedacted] = useState(false);
  const [share, shareState] = useMutation(ShareRecordDocument);
  const [addRecord] = useMutation(AddMedicalRecordDocument);

  const update = (key: string, change: Partial<Upload>) => setUploads((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)));

  const freshUploadUrl = async (recordId: string): Promise<string | null> => {
    const result = await apollo.query({ query: RecordLinksDocument, variables: { caseId }, fetchPolicy: "no-cache" });
    return result.data?.case?.records.find((record) => record.id === recordId)?.uploadUrl ?? null;
  };

  const send = async (upload: Upload) => {
    const contentType = contentTypeOf(upload.file);
    if (!contentType) return update(upload.key, { state: "failed", failure: "UNSUPPORTED" });
    update(upload.key, { state: "uploading", failure: null, detail: null, progress: 0 });
    try {
      let recordId = upload.recordId;
      let url: string | null;
      if (!recordId) {
        const result = await addRecord({ variables: { input: { caseId, title: upload.file.name, kind, language } } });
        recordId = result.data?.addMedicalRecord.id ?? null;
        url = result.data?.addMedicalRecord.uploadUrl ?? null;
        update(upload.key, { recordId });
      } else {
        url = await freshUploadUrl(recordId);
      }
      if (!url) throw new UploadError("EXPIRED");
      await putDocument(url, upload.file, contentType, (progress) => update(upload.key, { progress }));
      update(upload.key, { state: "done", progress: 1 });
      await apollo.refetchQueries({ include: [CaseDetailDocument] });
    } catch (error) {
      if (error instanceof UploadError) update(upload.key, { state: "failed", failure: error.reason });
      else update(upload.key, { state: "failed", failure: "REFUSED", detail: describeError(t, error) });
    }
  };

  const onDrop = (files: File[]) => {
    const added = files.map((file, index) => ({
      key: `${Date.now()}-${index}-${file.name}`,
      file,
      recordId: null,
      progress: 0,
      state: "uploading" as const,
      failure: null,
      detail: null,
    }));
    setUploads((list) => [...list, ...added]);
    for (const upload of added) void send(upload);
  };

  const download = async (record: RecordFieldsFragment) => {
    const result = await apollo.query({ query: RecordLinksDocument, variables: { caseId }, fetchPolicy: "no-cache" });
    const url = result.data?.case?.records.find((r) => r.id === record.id)?.downloadUrl;
    if (!url) return;
    const link = document.createElement("a");
    link.href = url;
    link.download = "";
    document.body.append(link);
    link.click();
    link.remove();
  };

  const confirmShare = async () => {
    if (!sharing) return;
    const done = await share({ variables: { id: sharing.id } }).catch(() => null);
    if (done) {
      setSharing(null);
      setRedacted(false);
    }
  };

  return (
    <Stack>
      <Paper withBorder p="md">
        <Stack>
          <Title order={2} size="h4">
            {t("records.add")}
          </Title>
          <RecordUploadForm
            words={{ kind: t("records.kind"), language: t("records.language"), dropLabel: t("records.dropLabel"), drop: t("records.drop"), done: t("records.uploaded"), uploads: t("records.uploads") }}
            kind={kind}
            onKindChange={setKind}
            language={language}
            onLanguageChange={setLanguage}
            onDrop={onDrop}
            uploads={uploads}
            failureOf={(upload) => (upload.failure === "REFUSED" ? upload.detail : t(`records.failure.${upload.failure}`, { name: upload.file.name, size: format.bytes(MAX_DOCUMENT_BYTES) }))}
            retryOf={(upload) => (upload.failure !== "TOO_LARGE" && upload.failure !== "UNSUPPORTED" ? () => void send(upload) : null)}
          />
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("records.title")}
        </Title>
        {records.length === 0 ? (
          <Empty>{t("records.empty")}</Empty>
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("records.name")}</Table.Th>
                  <Table.Th scope="col">{t("records.kind")}</Table.Th>
                  <Table.Th scope="col">{t("records.received")}</Table.Th>
                  <Table.Th scope="col">{t("records.size")}</Table.Th>
                  <Table.Th scope="col">{t("records.sharing")}</Table.Th>
                  <Table.Th scope="col">{t("records.actions")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {records.map((record) => (
                  <Table.Tr key={record.id}>
                    <Table.Td>{record.title}</Table.Td>
                    <Table.Td>{t(`recordKind.${record.kind}`)}</Table.Td>
                    <Table.Td>{format.date(record.receivedAt)}</Table.Td>
                    <Table.Td>{record.sizeBytes === null ? t("records.awaitingBytes") : format.bytes(record.sizeBytes)}</Table.Td>
                    <Table.Td>
                      <Badge variant="outline" color={record.sharedWithReviewers ? "teal.9" : "dark"} style={{ textTransform: "none" }}>
                        {record.sharedWithReviewers ? t("records.shared") : t("records.notShared")}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button size="xs" variant="default" disabled={record.sizeBytes === null} onClick={() => void download(record)} aria-label={t("records.downloadNamed", { name: record.title })}>
                          {t("records.download")}
                        </Button>
                        {!record.sharedWithReviewers && record.sizeBytes !== null && (
                          <Button size="xs" variant="light" onClick={() => setSharing(record)} aria-label={t("records.shareNamed", { name: record.title })}>
                            {t("records.share")}
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <Modal opened={sharing !== null} onClose={() => setSharing(null)} title={t("records.shareTitle")}>
        <Stack>
          <Text size="sm">{t("records.shareHint", { name: sharing?.title ?? "" })}</Text>
          <Checkbox label={t("records.redactionConfirmed")} checked={redacted} onChange={(event) => setRedacted(event.currentTarget.checked)} />
          {shareState.error && (
            <Alert color="red" role="alert">
              {describeError(t, shareState.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setSharing(null)}>
              {t("common.cancel")}
            </Button>
            <Button disabled={!redacted} loading={shareState.loading} onClick={() => void confirmShare()}>
              {t("records.share")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
