import { Alert } from "@mantine/core";
import { useTranslation } from "react-i18next";

/** Wherever options are shown: what Meridian is not, and who decides with the patient. */
export function Disclaimer() {
  const { t } = useTranslation();
  return (
    <Alert color="blue" variant="light" title={t("portal.disclaimer.title")} data-testid="disclaimer">
      {t("portal.disclaimer.body")}
    </Alert>
  );
}
