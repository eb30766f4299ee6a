import { useQuery } from "@apollo/client/react";
import { Anchor, Button, Group, Paper, Stack, Table, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { FindPatientsDocument } from "../generated/graphql";
import { useFormat } from "../ui/format";
import { PageHeading } from "../ui/PageHeading";
import { Empty, ErrorState, Loading } from "../ui/states";

/** Find an existing patient (name or email, accents and case ignored) before opening a new file. */
export default function PatientsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const [search, setSearch] = useState("");
  const [term] = useDebouncedValue(search.trim(), 300);
  const { data, error, refetch } = useQuery(FindPatientsDocument, { variables: { search: term }, skip: term.length < 2 });

  const patients = (data?.patients.edges ?? []).map(({ node }) => node);

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <PageHeading title={t("patients.title")}>{t("patients.title")}</PageHeading>
        <Button component={Link} to="/patients/new">
          {t("nav.newPatient")}
        </Button>
      </Group>
      <Paper withBorder p="md">
        <TextInput label={t("patients.search")} description={t("patients.searchHint")} type="search" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
      </Paper>
      {term.length < 2 ? null : error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !data ? (
        <Loading />
      ) : patients.length === 0 ? (
        <Empty>{t("patients.noMatch")}</Empty>
      ) : (
        <Paper withBorder>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("patients.name")}</Table.Th>
                <Table.Th scope="col">{t("patients.dateOfBirth")}</Table.Th>
                <Table.Th scope="col">{t("patients.cases")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {patients.map((patient) => (
                <Table.Tr key={patient.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/patients/${patient.id}`}>
                      {patient.fullName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{format.calendarDate(patient.dateOfBirth)}</Table.Td>
                  <Table.Td ff="monospace">{patient.cases.map((c) => c.reference).join(", ")}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}
