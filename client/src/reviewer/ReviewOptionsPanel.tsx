import { useMutation } from "@apollo/client/react";
import { Alert, Badge, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ReviewCaseDocument, ReviewProposeOptionDocument, type CaseStatus, type ReviewOptionFragment } from "../generated/graphql";
import { ProposeOptionForm } from "../options/ProposeOptionForm";
import { Empty } from "../ui/states";

/** From delivery on, options are frozen (the API refuses new ones). */
const FROZEN: CaseStatus[] = ["OPTIONS_DELIVERED", "CLOSED", "WITHDRAWN"];

/** The team's pathway options, and the reviewer's own proposals. */
export function ReviewOptionsPanel({ caseId, status, options }: { caseId: string; status: CaseStatus; options: ReviewOptionFragment[] }) {
  const { t } = useTranslation();
  const [propose, proposing] = useMutation(ReviewProposeOptionDocument, { refetchQueries: [{ query: ReviewCaseDocument, variables: { id: caseId } }], awaitRefetchQueries: true });
  const frozen = FROZEN.includes(status);

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
              <Group gap="xs">
                <Text fw={600}>{option.title}</Text>
                <Badge variant="outline" color="dark" style={{ textTransform: "none" }}>
                  {t(`pathwayKind.${option.kind}`)}
                </Badge>
                <Badge variant="outline" color="dark" style={{ textTransform: "none" }}>
                  {t("options.complexityValue", { value: t(`complexity.${option.complexity}`) })}
                </Badge>
                <Badge variant="light" color="gray" c="dark.9" style={{ textTransform: "none" }}>
                  {t(`optionStatus.${option.status}`)}
                </Badge>
              </Group>
              <Text size="sm" mt={4} style={{ whiteSpace: "pre-wrap" }}>
                {option.description}
              </Text>
              {option.eligibility && (
                <Text size="sm" c="dimmed">
                  {t("options.eligibilityValue", { value: option.eligibility })}
                </Text>
              )}
              {option.evidence && (
                <Text size="sm" c="dimmed">
                  {t("options.evidenceValue", { value: option.evidence })}
                </Text>
              )}
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
