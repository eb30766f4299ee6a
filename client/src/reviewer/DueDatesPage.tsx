import { useQuery } from "@apollo/client/react";
import { Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { MyAssignmentsDocument } from "../generated/graphql";
import { PageHeading } from "../ui/PageHeading";
import { ErrorState, Loading } from "../ui/states";
import { AssignmentsTable } from "./AssignmentsTable";
import { dueDates } from "./review-data";

/** What the reviewer owes and by when: answers and opinions with a due date, soonest first, overdue marked. */
export default function DueDatesPage() {
  const { t } = useTranslation();
  const { data, error, refetch } = useQuery(MyAssignmentsDocument, { variables: { status: ["INVITED", "ACCEPTED"] }, fetchPolicy: "cache-and-network" });
  return (
    <Stack>
      <PageHeading title={t("review.due.title")}>{t("review.due.title")}</PageHeading>
      <Text>{t("review.due.intro")}</Text>
      {error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !data ? (
        <Loading />
      ) : (
        <AssignmentsTable assignments={dueDates(data.viewer?.reviewer?.assignments ?? [])} empty={t("review.due.empty")} caption={t("review.due.caption")} />
      )}
    </Stack>
  );
}
