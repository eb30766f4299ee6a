import { Badge, Group, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { CaseStatus, OptionFieldsFragment } from "../generated/graphql";

/** From delivery on, options are frozen (the API refuses new ones and status changes). */
const FROZEN: CaseStatus[] = ["OPTIONS_DELIVERED", "CLOSED", "WITHDRAWN"];
export const optionsFrozen = (status: CaseStatus) => FROZEN.includes(status);

type OptionFacts = Pick<OptionFieldsFragment, "title" | "kind" | "complexity" | "description" | "eligibility" | "evidence">;

/** What an option says, as the coordinator and the reviewers read it; `badges` join its kind and complexity. */
export function OptionDetails({ option, badges }: { option: OptionFacts; badges?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <Group gap="xs">
        <Text fw={600}>{option.title}</Text>
        <Badge variant="outline" color="dark" style={{ textTransform: "none" }}>
          {t(`pathwayKind.${option.kind}`)}
        </Badge>
        <Badge variant="outline" color="dark" style={{ textTransform: "none" }}>
          {t("options.complexityValue", { value: t(`complexity.${option.complexity}`) })}
        </Badge>
        {badges}
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
    </>
  );
}
