import { Anchor, Badge, Group, Paper, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { ReviewListAssignmentFragment } from "../generated/graphql";
import { useFormat } from "../ui/format";
import { Empty } from "../ui/states";
import { StatusBadge } from "../ui/StatusBadge";
import { isOverdue } from "./review-data";

/** A reviewer's assignments as a table: the case by its reference (never the patient), its status, the due date. */
export function AssignmentsTable({ assignments, empty, caption }: { assignments: ReviewListAssignmentFragment[]; empty: string; caption: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const rows = assignments.filter((a) => a.case);
  if (rows.length === 0) {
    return (
      <Paper withBorder p="md">
        <Empty>{empty}</Empty>
      </Paper>
    );
  }
  return (
    <Paper withBorder>
      <Table.ScrollContainer minWidth={640}>
        <Table striped verticalSpacing="sm">
          <Table.Caption>{caption}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t("review.list.reference")}</Table.Th>
              <Table.Th scope="col">{t("review.list.caseStatus")}</Table.Th>
              <Table.Th scope="col">{t("review.list.ageBand")}</Table.Th>
              <Table.Th scope="col">{t("review.list.assignment")}</Table.Th>
              <Table.Th scope="col">{t("review.list.due")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((assignment) => {
              const caseItem = assignment.case!;
              const overdue = isOverdue(assignment);
              return (
                <Table.Tr key={assignment.id} data-assignment-id={assignment.id} data-case-id={caseItem.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/review/cases/${caseItem.id}`}>
                      {caseItem.reference}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={caseItem.status} />
                  </Table.Td>
                  <Table.Td>{caseItem.patientAgeBand ? t("review.ageBandValue", { band: caseItem.patientAgeBand }) : t("common.none")}</Table.Td>
                  <Table.Td>{t(`review.assignmentStatus.${assignment.status}`)}</Table.Td>
                  <Table.Td>
                    {assignment.dueAt ? (
                      <Group gap="xs" wrap="nowrap">
                        <Text size="sm">
                          <time dateTime={assignment.dueAt}>{format.date(assignment.dueAt)}</time>
                        </Text>
                        {overdue && (
                          <Badge color="red" variant="filled" style={{ textTransform: "none" }}>
                            {t("review.overdue")}
                          </Badge>
                        )}
                      </Group>
                    ) : (
                      t("review.noDueDate")
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
