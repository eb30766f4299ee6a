import { useLazyQuery, useMutation } from "@apollo/client/react";
import { Alert, Badge, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { CaseDetailDocument, FindReviewersDocument, InviteReviewerDocument, type AssignmentFieldsFragment, type Language } from "../generated/graphql";
import { describeError } from "../ui/errors";
import { useFormat } from "../ui/format";
import { Empty, ErrorState, Loading } from "../ui/states";

const DEFAULT_DUE_DAYS = 14;

function dueDateInput(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The case's reviewers with their state and due dates; find partners by specialty and language and invite them. */
export function ReviewersPanel({ caseId, assignments }: { caseId: string; assignments: AssignmentFieldsFragment[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [specialty, setSpecialty] = useState("");
  const [language, setLanguage] = useState<string | null>(null);
  const [dueDate, setDueDate] = useState(dueDateInput(DEFAULT_DUE_DAYS));
  const [find, found] = useLazyQuery(FindReviewersDocument, { fetchPolicy: "network-only" });
  const [invite, inviting] = useMutation(InviteReviewerDocument, { refetchQueries: [{ query: CaseDetailDocument, variables: { id: caseId } }] });

  const search = (event: FormEvent) => {
    event.preventDefault();
    void find({ variables: { filter: { specialty: specialty.trim() || null, language: (language as Language | null) ?? null } } }).catch(() => undefined);
  };
  const activeReviewerIds = new Set(assignments.filter((a) => a.status !== "DECLINED").map((a) => a.reviewer.id));

  return (
    <Stack>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("reviewers.assigned")}
        </Title>
        {assignments.length === 0 ? (
          <Empty>{t("reviewers.none")}</Empty>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("reviewers.name")}</Table.Th>
                  <Table.Th scope="col">{t("reviewers.institution")}</Table.Th>
                  <Table.Th scope="col">{t("reviewers.state")}</Table.Th>
                  <Table.Th scope="col">{t("reviewers.invited")}</Table.Th>
                  <Table.Th scope="col">{t("reviewers.due")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {assignments.map((assignment) => (
                  <Table.Tr key={assignment.id}>
                    <Table.Td>{assignment.reviewer.displayName}</Table.Td>
                    <Table.Td>{`${assignment.reviewer.institution} (${assignment.reviewer.country})`}</Table.Td>
                    <Table.Td>
                      <Badge variant="outline" color="dark" style={{ textTransform: "none" }}>
                        {t(`assignment.${assignment.status}`)}
                      </Badge>
                      {assignment.declineReason && (
                        <Text size="xs" c="dimmed">
                          {assignment.declineReason}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{format.date(assignment.invitedAt)}</Table.Td>
                    <Table.Td>
                      {assignment.dueAt ? format.date(assignment.dueAt) : t("common.none")}
                      {assignment.dueAt && assignment.status !== "SUBMITTED" && new Date(assignment.dueAt) < new Date() && (
                        <Badge ml="xs" color="red.9" variant="outline" style={{ textTransform: "none" }}>
                          {t("reviewers.overdue")}
                        </Badge>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {assignments.some((a) => a.opinion) && (
          <Stack mt="md" gap="xs">
            <Title order={3} size="h5">
              {t("reviewers.opinions")}
            </Title>
            {assignments
              .filter((a) => a.opinion)
              .map((a) => (
                <Paper key={a.id} withBorder p="sm">
                  <Text size="sm" fw={600}>
                    {a.reviewer.displayName}
                  </Text>
                  <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
                    {a.opinion}
                  </Text>
                </Paper>
              ))}
          </Stack>
        )}
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("reviewers.find")}
        </Title>
        <form onSubmit={search}>
          <Group align="flex-end">
            <TextInput label={t("reviewers.specialty")} value={specialty} onChange={(e) => setSpecialty(e.currentTarget.value)} />
            <Select
              label={t("reviewers.language")}
              placeholder={t("reviewers.anyLanguage")}
              clearable
              data={[
                { value: "EN", label: t("languageName.EN") },
                { value: "ZH", label: t("languageName.ZH") },
              ]}
              value={language}
              onChange={setLanguage}
            />
            <TextInput label={t("reviewers.dueDate")} type="date" value={dueDate} onChange={(e) => setDueDate(e.currentTarget.value)} />
            <Button type="submit" loading={found.loading}>
              {t("reviewers.search")}
            </Button>
          </Group>
        </form>
        {inviting.error && (
          <Alert color="red" role="alert" mt="sm">
            {describeError(t, inviting.error)}
          </Alert>
        )}
        <Stack mt="md" gap="xs">
          {found.error ? (
            <ErrorState error={found.error} />
          ) : found.loading ? (
            <Loading />
          ) : found.called && found.data?.reviewers.length === 0 ? (
            <Empty>{t("reviewers.noMatch")}</Empty>
          ) : (
            found.data?.reviewers.map((reviewer) => (
              <Paper key={reviewer.id} withBorder p="sm">
                <Group justify="space-between">
                  <div>
                    <Text fw={600}>{reviewer.displayName}</Text>
                    <Text size="sm">{`${reviewer.institution} (${reviewer.country})`}</Text>
                    <Text size="sm" c="dimmed">
                      {t("reviewers.profile", {
                        specialties: reviewer.specialties.join(", "),
                        languages: reviewer.languages.map((l) => t(`languageName.${l}`)).join(", "),
                      })}
                    </Text>
                  </div>
                  <Button
                    disabled={activeReviewerIds.has(reviewer.id)}
                    loading={inviting.loading}
                    aria-label={activeReviewerIds.has(reviewer.id) ? undefined : t("reviewers.inviteNamed", { name: reviewer.displayName })}
                    onClick={() =>
                      void invite({ variables: { caseId, reviewerId: reviewer.id, dueAt: dueDate ? new Date(`${dueDate}T23:59:59`).toISOString() : null } }).catch(() => undefined)
                    }
                  >
                    {activeReviewerIds.has(reviewer.id) ? t("reviewers.alreadyInvited") : t("reviewers.invite")}
                  </Button>
                </Group>
              </Paper>
            ))
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
