import { useQuery } from "@apollo/client/react";
import { Anchor, Badge, Paper, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { LegalHoldSearchDocument } from "../generated/graphql";
import { useFormat } from "../ui/format";
import { PageHeading } from "../ui/PageHeading";
import { Empty, ErrorState, Loading } from "../ui/states";

/** Finds a patient (name, email or case reference) to place or lift a legal hold on. */
export default function LegalHoldsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const [search, setSearch] = useState("");
  const [term] = useDebouncedValue(search.trim(), 300);
  const { data, error, refetch } = useQuery(LegalHoldSearchDocument, { variables: { search: term }, skip: term.length < 2 });
  const patients = (data?.patients.edges ?? []).map(({ node }) => node);

  return (
    <Stack>
      <PageHeading title={t("admin.holds.title")}>{t("admin.holds.title")}</PageHeading>
      <Text size="sm" maw={720}>
        {t("admin.holds.explain")}
      </Text>
      <Paper withBorder p="md">
        <TextInput label={t("admin.holds.search")} description={t("admin.holds.searchHint")} type="search" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
      </Paper>
      {term.length < 2 ? null : error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !data ? (
        <Loading />
      ) : patients.length === 0 ? (
        <Empty>{t("admin.holds.noMatch")}</Empty>
      ) : (
        <Paper withBorder>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("admin.holds.patient")}</Table.Th>
                <Table.Th scope="col">{t("admin.holds.state")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {patients.map((patient) => (
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
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}
