import { Anchor, Badge, Stack, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { LegalHoldSearchDocument } from "../generated/graphql";
import { useFormat } from "../ui/format";
import { PageHeading } from "../ui/PageHeading";
import { PatientSearch } from "../patients/PatientSearch";

/** Finds a patient (name, email or case reference) to place or lift a legal hold on. */
export default function LegalHoldsPage() {
  const { t } = useTranslation();
  const format = useFormat();

  return (
    <Stack>
      <PageHeading title={t("admin.holds.title")}>{t("admin.holds.title")}</PageHeading>
      <Text size="sm" maw={720}>
        {t("admin.holds.explain")}
      </Text>
      <PatientSearch
        query={LegalHoldSearchDocument}
        label={t("admin.holds.search")}
        hint={t("admin.holds.searchHint")}
        noMatch={t("admin.holds.noMatch")}
        columns={
          <>
            <Table.Th scope="col">{t("admin.holds.patient")}</Table.Th>
            <Table.Th scope="col">{t("admin.holds.state")}</Table.Th>
          </>
        }
        row={(patient) => (
          <Table.Tr key={patient.id}>
            <Table.Td>
              <Anchor component={Link} to={`/admin/legal-holds/${patient.id}`}>
                {patient.fullName}
              </Anchor>
            </Table.Td>
            <Table.Td>
              {patient.legalHold ? <Badge color="orange" c="dark.9" variant="light" radius="sm" style={{ textTransform: "none" }}>{t("admin.holds.heldSince", { date: format.date(patient.legalHold.placedAt) })}</Badge> : <Text size="sm">{t("admin.holds.none")}</Text>}
            </Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
