import { useQuery } from "@apollo/client/react";
import { Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { MyAssignmentsDocument } from "../generated/graphql";
import { PageHeading } from "../ui/PageHeading";
import { ErrorState, Loading } from "../ui/states";
import { AssignmentsTable } from "./AssignmentsTable";

/** The reviewer's home: invitations waiting for an answer. */
export default function InvitationsPage() {
  const { t } = useTranslation();
  const { data, error, refetch } = useQuery(MyAssignmentsDocument, { variables: { status: ["INVITED"] }, fetchPolicy: "cache-and-network" });
  return (
    <Stack>
      <PageHeading title={t("review.invitations.title")}>{t("review.invitations.title")}</PageHeading>
      <Text>{t("review.invitations.intro")}</Text>
      {error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !data ? (
        <Loading />
      ) : (
        <AssignmentsTable assignments={data.viewer?.reviewer?.assignments ?? []} empty={t("review.invitations.empty")} caption={t("review.invitations.caption")} />
      )}
    </Stack>
  );
}
