import { useQuery, useSubscription } from "@apollo/client/react";
import { Anchor, Badge, Button, Group, MultiSelect, Paper, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { CaseStatusChangedDocument, DashboardDocument, type CaseStatus } from "../generated/graphql";
import { useFormat } from "../ui/format";
import { PageHeading } from "../ui/PageHeading";
import { StatusBadge } from "../ui/StatusBadge";
import { Empty, ErrorState, Loading } from "../ui/states";
import { applyCaseEvent } from "./live";
import { ALL_STATUSES } from "./workflow";

const PAGE_SIZE = 25;

export default function DashboardPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const [search, setSearch] = useState("");
  const [statuses, setStatuses] = useState<string[]>([]);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const filter = { search: debouncedSearch || null, status: statuses.length ? (statuses as CaseStatus[]) : null };
  const after = cursors[cursors.length - 1];
  const { data, loading, error, refetch } = useQuery(DashboardDocument, { variables: { first: PAGE_SIZE, after, filter } });

  // Live: every status change the viewer may see lands in the cache (rows change in place); a
  // case that enters or leaves this filtered page makes the page re-read.
  useSubscription(CaseStatusChangedDocument, {
    fetchPolicy: "no-cache",
    onData: ({ client, data: result }) => {
      const event = result.data?.caseStatusChanged;
      if (!event) return;
      applyCaseEvent(client.cache, event);
      const shown = data?.cases.edges.some((edge) => edge.node.id === event.case.id) ?? false;
      const matches = statuses.length === 0 || statuses.includes(event.case.status);
      if (!shown || !matches || filter.search) void refetch();
    },
  });

  const resetPaging = () => setCursors([null]);
  const connection = data?.cases;

  return (
    <Stack>
      <PageHeading title={t("dashboard.title")}>{t("dashboard.title")}</PageHeading>
      <Paper withBorder p="md">
        <Group align="flex-end" grow>
          <TextInput
            label={t("dashboard.search")}
            description={t("dashboard.searchHint")}
            value={search}
            type="search"
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              resetPaging();
            }}
          />
          <MultiSelect
            label={t("dashboard.statusFilter")}
            placeholder={statuses.length ? undefined : t("dashboard.allStatuses")}
            data={ALL_STATUSES.map((status) => ({ value: status, label: t(`status.${status}`) }))}
            value={statuses}
            onChange={(value) => {
              setStatuses(value);
              resetPaging();
            }}
            clearable
          />
        </Group>
      </Paper>
      {error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !connection ? (
        <Loading />
      ) : connection.edges.length === 0 ? (
        <Empty>{filter.search || statuses.length ? t("dashboard.noMatch") : t("dashboard.empty")}</Empty>
      ) : (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-busy={loading}>
              <Table.Caption>{t("dashboard.count", { count: connection.totalCount, formatted: format.number(connection.totalCount) })}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("dashboard.reference")}</Table.Th>
                  <Table.Th scope="col">{t("dashboard.patient")}</Table.Th>
                  <Table.Th scope="col">{t("dashboard.status")}</Table.Th>
                  <Table.Th scope="col">{t("dashboard.daysInStatus")}</Table.Th>
                  <Table.Th scope="col">{t("dashboard.reviewers")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {connection.edges.map(({ node }) => (
                  <Table.Tr key={node.id} data-case-id={node.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/cases/${node.id}`} ff="monospace">
                        {node.reference}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{node.patient?.fullName}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={node.status} />
                    </Table.Td>
                    <Table.Td>{t("dashboard.days", { count: format.daysSince(node.statusSince), formatted: format.number(format.daysSince(node.statusSince)) })}</Table.Td>
                    <Table.Td>
                      {node.assignments.length === 0 ? (
                        <Text size="sm" c="dimmed">
                          {t("dashboard.noReviewers")}
                        </Text>
                      ) : (
                        <Stack gap={4}>
                          {node.assignments.map((assignment) => (
                            <Group key={assignment.id} gap={6} wrap="nowrap">
                              <Text size="sm">{assignment.reviewer.displayName}</Text>
                              <Badge size="sm" variant="outline" color="dark" style={{ textTransform: "none" }}>
                                {t(`assignment.${assignment.status}`)}
                              </Badge>
                            </Group>
                          ))}
                        </Stack>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      {connection && (cursors.length > 1 || connection.pageInfo.hasNextPage) && (
        <Group justify="space-between">
          <Button variant="default" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            {t("common.previous")}
          </Button>
          <Button
            variant="default"
            disabled={!connection.pageInfo.hasNextPage}
            onClick={() => setCursors([...cursors, connection.pageInfo.endCursor ?? null])}
          >
            {t("common.next")}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
