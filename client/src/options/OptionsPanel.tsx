import { useMutation } from "@apollo/client/react";
import { Alert, Group, Paper, Select, Stack, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import {
  CaseDetailDocument,
  ProposePathwayOptionDocument,
  SetPathwayOptionStatusDocument,
  type CaseStatus,
  type OptionFieldsFragment,
  type OptionStatus,
} from "../generated/graphql";
import { describeError } from "../ui/errors";
import { Empty } from "../ui/states";
import { OptionDetails, optionsFrozen } from "./OptionDetails";
import { ProposeOptionForm } from "./ProposeOptionForm";

const STATUSES: OptionStatus[] = ["PROPOSED", "SELECTED_FOR_PRESENTATION", "SET_ASIDE"];

/** Pathway options: curate what the review proposed, add the coordinator's own, mark those to present. */
export function OptionsPanel({ caseId, status, options }: { caseId: string; status: CaseStatus; options: OptionFieldsFragment[] }) {
  const { t } = useTranslation();
  const refetchQueries = [{ query: CaseDetailDocument, variables: { id: caseId } }];
  const [propose, proposing] = useMutation(ProposePathwayOptionDocument, { refetchQueries });
  const [setStatus, settingStatus] = useMutation(SetPathwayOptionStatusDocument);
  const frozen = optionsFrozen(status);

  const error = proposing.error ?? settingStatus.error;
  return (
    <Stack>
      {frozen && (
        <Alert color="blue" role="status">
          {t("options.frozen")}
        </Alert>
      )}
      {error && (
        <Alert color="red" role="alert">
          {describeError(t, error)}
        </Alert>
      )}
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("options.title")}
        </Title>
        {options.length === 0 ? (
          <Empty>{t("options.empty")}</Empty>
        ) : (
          <Stack gap="sm">
            {options.map((option) => (
              <Paper key={option.id} withBorder p="sm" data-option={option.title}>
                <Group justify="space-between" align="flex-start">
                  <div style={{ flex: 1 }}>
                    <OptionDetails option={option} />
                  </div>
                  <Select
                    w={230}
                    label={t("options.status")}
                    aria-label={t("options.statusOf", { title: option.title })}
                    data={STATUSES.map((value) => ({ value, label: t(`optionStatus.${value}`) }))}
                    value={option.status}
                    disabled={frozen}
                    allowDeselect={false}
                    onChange={(value) => value && void setStatus({ variables: { id: option.id, status: value as OptionStatus } }).catch(() => undefined)}
                  />
                </Group>
              </Paper>
            ))}
          </Stack>
        )}
      </Paper>
      {!frozen && (
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
            {t("options.add")}
          </Title>
          <Stack>
            <ProposeOptionForm
              caseId={caseId}
              submitLabel={t("options.propose")}
              loading={proposing.loading}
              propose={(input) => propose({ variables: { input } }).then((result) => Boolean(result.data), () => false)}
            />
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
