import { useQuery } from "@apollo/client/react";
import { Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { MyAssignmentsDocument } from "../generated/graphql";
import { PageHeading } from "../ui/PageHeading";
import { ErrorState, Loading } from "../ui/states";
import { AssignmentsTable } from "./AssignmentsTable";

/** Cases the reviewer accepted: those still waiting for their opinion and those they gave it on. */
export default function MyCasesPage() {
  const { t } = useTranslation();
  const { data, error, refetch } = useQuery(MyAssignmentsDocument, { variables: { status: ["ACCEPTED", "SUBMITTED"] }, fetchPolicy: "cache-and-network" });
  return (
    <Stack>
      <PageHeading title={t("review.cases.title")}>{t("review.cases.title")}</PageHeading>
      <Text>{t("review.cases.intro")}</Text>
      {error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !data ? (
        <Loading />
      ) : (
        <AssignmentsTable assignments={data.viewer?.reviewer?.assignments ?? []} empty={t("review.cases.empty")} caption={t("review.cases.caption")} />
      )}
    </Stack>
  );
}
