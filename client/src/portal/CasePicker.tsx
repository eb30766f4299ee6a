import { Select } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import type { MyCaseFragment } from "../generated/graphql";

/** With several cases, which one the page is about (kept in `?case=`). */
export function CasePicker({ cases, current }: { cases: MyCaseFragment[]; current: MyCaseFragment }) {
  const { t } = useTranslation();
  const [, setParams] = useSearchParams();
  if (cases.length < 2) return null;
  return (
    <Select
      label={t("portal.whichCase")}
      data={cases.map((c) => ({ value: c.id, label: t("portal.caseChoice", { reference: c.reference, status: t(`status.${c.status}`) }) }))}
      value={current.id}
      onChange={(value) => value && setParams({ case: value }, { replace: true, state: { keepFocus: true } })}
      allowDeselect={false}
      maw={420}
    />
  );
}
