import { SegmentedControl } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { chooseLanguage, type UiLanguage } from "./i18n";

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t("language.label")}
      value={i18n.language}
      onChange={(value) => void chooseLanguage(value as UiLanguage)}
      data={[
        { value: "en", label: t("language.en") },
        { value: "zh", label: t("language.zh") },
      ]}
    />
  );
}
