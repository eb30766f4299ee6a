import { Anchor, Button, Group, Stack, Table } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { FindPatientsDocument } from "../generated/graphql";
import { useFormat } from "../ui/format";
import { PageHeading } from "../ui/PageHeading";
import { PatientSearch } from "./PatientSearch";

/** Find an existing patient (name or email, accents and case ignored) before opening a new file. */
export default function PatientsPage() {
  const { t } = useTranslation();
  const format = useFormat();

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <PageHeading title={t("patients.title")}>{t("patients.title")}</PageHeading>
        <Button component={Link} to="/patients/new">
          {t("nav.newPatient")}
        </Button>
      </Group>
      <PatientSearch
        query={FindPatientsDocument}
        label={t("patients.search")}
        hint={t("patients.searchHint")}
        noMatch={t("patients.noMatch")}
        columns={
          <>
            <Table.Th scope="col">{t("patients.name")}</Table.Th>
            <Table.Th scope="col">{t("patients.dateOfBirth")}</Table.Th>
            <Table.Th scope="col">{t("patients.cases")}</Table.Th>
          </>
        }
        row={(patient) => (
          <Table.Tr key={patient.id}>
            <Table.Td>
              <Anchor component={Link} to={`/patients/${patient.id}`}>
                {patient.fullName}
              </Anchor>
            </Table.Td>
            <Table.Td>{format.calendarDate(patient.dateOfBirth)}</Table.Td>
            <Table.Td ff="monospace">{patient.cases.map((c) => c.reference).join(", ")}</Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
