import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { CaseStatus } from "../generated/graphql";

const COLORS: Record<CaseStatus, string> = {
  RECORDS_COLLECTION: "blue",
  CASE_ORGANISATION: "cyan",
  TRANSLATION: "grape",
  PATHWAY_ASSESSMENT: "violet",
  OPTION_MAPPING: "indigo",
  OPTIONS_DELIVERED: "teal",
  CLOSED: "gray",
  ON_HOLD: "orange",
  WITHDRAWN: "red",
};

/** A case's status as its label; the colour only tints the background, the text stays dark enough to read. */
export function StatusBadge({ status, testId }: { status: CaseStatus; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Badge data-testid={testId} color={COLORS[status]} c="dark.9" variant="light" size="lg" radius="sm" style={{ textTransform: "none" }}>
      {t(`status.${status}`)}
    </Badge>
  );
}
