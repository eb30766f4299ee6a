import { useApolloClient, useMutation, useQuery } from "@apollo/client/react";
import { Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AddMedicalRecordDocument, MyCasesDocument, MyRecordsDocument, type Language, type RecordKind } from "../generated/graphql";
import { RecordUploadForm, type UploadProgress } from "../records/RecordUploadForm";
import { MAX_DOCUMENT_BYTES, UploadError, contentTypeOf, putDocument, type UploadFailure } from "../records/upload";
import { describeError, errorFacts } from "../ui/errors";
import { useFormat } from "../ui/format";
import { PageHeading } from "../ui/PageHeading";
import { Empty, ErrorState, Loading } from "../ui/states";
import { CasePicker } from "./CasePicker";
import { isFinished } from "./my-cases";
import { useMyCases } from "./use-my-cases";

interface Upload extends UploadProgress {
  /** Why it failed, in the patient's words. */
  message: string | null;
}

/** Upload my records: several files at once, a progress bar each, refusals in words. */
export default function MyRecordsPage() {
  const { t } = useTranslation();
  const mine = useMyCases();
  const title = t("portal.records.title");
  if (mine.error) return <ErrorState error={mine.error} onRetry={mine.refetch} />;
  if (mine.loading) return <Loading />;
  return (
    <Stack>
      <PageHeading title={title}>{title}</PageHeading>
      {!mine.current ? (
        <Empty>{t("portal.case.none")}</Empty>
      ) : (
        <>
          <CasePicker cases={mine.cases} current={mine.current} />
          <RecordsOfCase key={mine.current.id} caseId={mine.current.id} finished={isFinished(mine.current.status)} />
        </>
      )}
    </Stack>
  );
}

function RecordsOfCase({ caseId, finished }: { caseId: string; finished: boolean }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const apollo = useApolloClient();
  const records = useQuery(MyRecordsDocument, { variables: { caseId } });
  const [kind, setKind] = useState<RecordKind>("OTHER");
  const [language, setLanguage] = useState<Language>(i18n.language === "zh" ? "ZH" : "EN");
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [addRecord] = useMutation(AddMedicalRecordDocument);

  const update = (key: string, change: Partial<Upload>) => setUploads((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)));
  const failure = (reason: UploadFailure, name: string) => t(`records.failure.${reason}`, { name, size: format.bytes(MAX_DOCUMENT_BYTES) });

  const send = async (upload: Upload) => {
    const contentType = contentTypeOf(upload.file);
    if (!contentType) return update(upload.key, { state: "failed", message: failure("UNSUPPORTED", upload.file.name) });
    try {
      const result = await addRecord({ variables: { input: { caseId, title: upload.file.name, kind, language } } });
      const url = result.data?.addMedicalRecord.uploadUrl;
      if (!url) throw new UploadError("EXPIRED");
      await putDocument(url, upload.file, contentType, (progress) => update(upload.key, { progress }));
      update(upload.key, { state: "done", progress: 1 });
    } catch (error) {
      const message =
        error instanceof UploadError
          ? failure(error.reason, upload.file.name)
          : errorFacts(error).field === "input.title"
            ? t("portal.records.nameIdentifies", { name: upload.file.name })
            : describeError(t, error);
      update(upload.key, { state: "failed", message });
    }
    // What the portal asks for next depends on the documents that arrived.
    await apollo.refetchQueries({ include: [MyRecordsDocument, MyCasesDocument] }).catch(() => undefined);
  };

  const onDrop = (files: File[]) => {
    const added = files.map((file, index) => ({ key: `${Date.now()}-${index}-${file.name}`, file, progress: 0, state: "uploading" as const, message: null }));
    setUploads((list) => [...list, ...added]);
    for (const upload of added) void send(upload);
  };

  const list = records.data?.case?.records ?? [];
  return (
    <>
      {!finished && (
        <Paper withBorder p="md">
          <Stack>
            <Title order={2} size="h4">
              {t("portal.records.send")}
            </Title>
            <Text size="sm">{t("portal.records.intro")}</Text>
            <RecordUploadForm
              words={{ kind: t("portal.records.kind"), language: t("portal.records.language"), dropLabel: t("portal.records.dropLabel"), drop: t("portal.records.drop"), done: t("portal.records.received") }}
              kind={kind}
              onKindChange={setKind}
              language={language}
              onLanguageChange={setLanguage}
              onDrop={onDrop}
              uploads={uploads}
              failureOf={(upload) => upload.message}
            />
          </Stack>
        </Paper>
      )}
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("portal.records.have")}
        </Title>
        {records.error && !records.data ? (
          <ErrorState error={records.error} onRetry={() => void records.refetch()} />
        ) : !records.data ? (
          <Loading />
        ) : list.length === 0 ? (
          <Empty>{t("portal.records.none")}</Empty>
        ) : (
          <Table.ScrollContainer minWidth={500}>
            <Table verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("portal.records.name")}</Table.Th>
                  <Table.Th scope="col">{t("portal.records.kindColumn")}</Table.Th>
                  <Table.Th scope="col">{t("portal.records.when")}</Table.Th>
                  <Table.Th scope="col">{t("portal.records.state")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((record) => (
                  <Table.Tr key={record.id}>
                    <Table.Td>{record.title}</Table.Td>
                    <Table.Td>{t(`recordKind.${record.kind}`)}</Table.Td>
                    <Table.Td>{format.date(record.receivedAt)}</Table.Td>
                    <Table.Td>{record.sizeBytes === null ? t("portal.records.waiting") : t("portal.records.stored", { size: format.bytes(record.sizeBytes) })}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </>
  );
}
