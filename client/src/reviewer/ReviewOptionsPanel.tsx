import { useMutation } from "@apollo/client/react";
import { Alert, Badge, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ReviewCaseDocument, ReviewProposeOptionDocument, type CaseStatus, type ReviewOptionFragment } from "../generated/graphql";
import { OptionDetails, optionsFrozen } from "../options/OptionDetails";
import { ProposeOptionForm } from "../options/ProposeOptionForm";
import { Empty } from "../ui/states";

/** The team's pathway options, and the reviewer's own proposals. */
export function ReviewOptionsPanel({ caseId, status, options }: { caseId: string; status: CaseStatus; options: ReviewOptionFragment[] }) {
  const { t } = useTranslation();
  const [propose, proposing] = useMutation(ReviewProposeOptionDocument, { refetchQueries: [{ query: ReviewCaseDocument, variables: { id: caseId } }], awaitRefetchQueries: true });
  const frozen = optionsFrozen(status);

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="review-options">
      <Title order={2} size="h4" mb="xs" id="review-options">
        {t("review.options.title")}
      </Title>
      <Text size="sm" mb="sm">
        {t("review.options.hint")}
      </Text>
      {options.length === 0 ? (
        <Empty>{t("review.options.empty")}</Empty>
      ) : (
        <Stack gap="sm" mb="md">
          {options.map((option) => (
            <Paper key={option.id} withBorder p="sm" data-option={option.title}>
              <OptionDetails
                option={option}
                badges={
                  <Badge variant="light" color="gray" c="dark.9" style={{ textTransform: "none" }}>
                    {t(`optionStatus.${option.status}`)}
                  </Badge>
                }
              />
            </Paper>
          ))}
        </Stack>
      )}
      {frozen ? (
        <Alert color="blue" role="status">
          {t("review.options.frozen")}
        </Alert>
      ) : (
        <Stack>
          <Title order={3} size="h5">
            {t("review.options.propose")}
          </Title>
          <ProposeOptionForm
            caseId={caseId}
            submitLabel={t("review.options.submit")}
            loading={proposing.loading}
            error={proposing.error}
            propose={(input) => propose({ variables: { input } }).then((result) => Boolean(result.data), () => false)}
          />
        </Stack>
      )}
    </Paper>
  );
}
