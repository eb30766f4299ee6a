import { useMutation, useQuery } from "@apollo/client/react";
import { Alert, Anchor, Button, Code, CopyButton, Group, Paper, SimpleGrid, Stack, Table, Text, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { RouteError } from "../app/RouteError";
import { ConsentPanel } from "../consents/ConsentPanel";
import { IssueAccountInvitationDocument, OpenCaseDocument, PatientFileDocument } from "../generated/graphql";
import { describeError } from "../ui/errors";
import { useFormat } from "../ui/format";
import { PageHeading } from "../ui/PageHeading";
import { StatusBadge } from "../ui/StatusBadge";
import { Empty, ErrorState, Loading } from "../ui/states";

/** A patient's file: identity, cases, a new case, consent, the account invitation. */
export default function PatientPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const { patientId = "" } = useParams();
  const { data, error, refetch } = useQuery(PatientFileDocument, { variables: { id: patientId } });
  const [reason, setReason] = useState("");
  const [openCase, opening] = useMutation(OpenCaseDocument);
  const [invite, inviting] = useMutation(IssueAccountInvitationDocument);

  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!data) return <Loading />;
  const patient = data.patient;
  if (!patient) return <RouteError notFound />;

  const submitCase = async () => {
    const result = await openCase({ variables: { input: { patientId, reason: reason.trim() } } }).catch(() => null);
    if (result?.data) navigate(`/cases/${result.data.openCase.id}`);
  };

  return (
    <Stack>
      <PageHeading title={patient.fullName}>{patient.fullName}</PageHeading>
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
          <div>
            <Text size="xs" c="dimmed">
              {t("patients.dateOfBirth")}
            </Text>
            <Text>{format.calendarDate(patient.dateOfBirth)}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              {t("newPatient.email")}
            </Text>
            <Text>{patient.email}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              {t("newPatient.healthCard")}
            </Text>
            <Text>{patient.healthCardNumber ?? t("common.none")}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              {t("newPatient.language")}
            </Text>
            <Text>{t(`languageName.${patient.preferredLanguage}`)}</Text>
          </div>
        </SimpleGrid>
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("patients.cases")}
        </Title>
        {patient.cases.length === 0 ? (
          <Empty>{t("patients.noCases")}</Empty>
        ) : (
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("dashboard.reference")}</Table.Th>
                <Table.Th scope="col">{t("dashboard.status")}</Table.Th>
                <Table.Th scope="col">{t("patients.since")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {patient.cases.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/cases/${c.id}`} ff="monospace">
                      {c.reference}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={c.status} />
                  </Table.Td>
                  <Table.Td>{format.date(c.statusSince)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("openCase.title")}
        </Title>
        <Stack>
          <Textarea label={t("openCase.reason")} description={t("openCase.reasonHint")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
          {opening.error && (
            <Alert color="red" role="alert">
              {describeError(t, opening.error)}
            </Alert>
          )}
          <Button onClick={() => void submitCase()} loading={opening.loading} disabled={!reason.trim()} style={{ alignSelf: "flex-end" }}>
            {t("openCase.submit")}
          </Button>
        </Stack>
      </Paper>
      <ConsentPanel patientId={patient.id} />
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("invitation.title")}
        </Title>
        <Stack align="flex-start">
          <Text size="sm">{t("invitation.hint")}</Text>
          <Button variant="default" loading={inviting.loading} onClick={() => void invite({ variables: { userId: patient.userId } }).catch(() => undefined)}>
            {t("invitation.issue")}
          </Button>
          {inviting.error && (
            <Alert color="red" role="alert">
              {describeError(t, inviting.error)}
            </Alert>
          )}
          {inviting.data && (
            <Group>
              <Code>{inviting.data.issueAccountInvitation}</Code>
              <CopyButton value={inviting.data.issueAccountInvitation}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy}>
                    {copied ? t("invitation.copied") : t("invitation.copy")}
                  </Button>
                )}
              </CopyButton>
            </Group>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
