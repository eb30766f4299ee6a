import { Checkbox, Group, Select, TagsInput, TextInput } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { Language, ReviewerProfileInput } from "../generated/graphql";
import { COUNTRIES } from "../ui/countries";
import { useFormat } from "../ui/format";

const LANGUAGES: Language[] = ["EN", "ZH"];

export const emptyProfile = (): ReviewerProfileInput => ({ institution: "", country: "CN", specialties: [], languages: ["ZH"] });

export const profileReady = (profile: ReviewerProfileInput) => profile.institution.trim().length > 0 && profile.country.length === 2 && profile.languages.length > 0;

/** A reviewer's profile: where they work, in which country, what they review, which languages they read. */
export function ReviewerProfileFields({ value, onChange }: { value: ReviewerProfileInput; onChange: (value: ReviewerProfileInput) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useMemo(() => new Intl.DisplayNames([format.locale], { type: "region" }), [format.locale]);
  const countries = COUNTRIES.includes(value.country) ? COUNTRIES : [value.country, ...COUNTRIES];
  return (
    <>
      <TextInput label={t("admin.profile.institution")} required value={value.institution} onChange={(e) => onChange({ ...value, institution: e.currentTarget.value })} />
      <Select
        label={t("admin.profile.country")}
        required
        searchable
        allowDeselect={false}
        data={countries.map((code) => ({ value: code, label: `${names.of(code) ?? code} (${code})` }))}
        value={value.country}
        onChange={(country) => country && onChange({ ...value, country })}
      />
      <TagsInput
        label={t("admin.profile.specialties")}
        description={t("admin.profile.specialtiesHint")}
        value={value.specialties}
        onChange={(specialties) => onChange({ ...value, specialties })}
      />
      <Checkbox.Group label={t("admin.profile.languages")} required value={value.languages} onChange={(languages) => onChange({ ...value, languages: languages as Language[] })}>
        <Group mt="xs">
          {LANGUAGES.map((language) => (
            <Checkbox key={language} value={language} label={t(`languageName.${language}`)} />
          ))}
        </Group>
      </Checkbox.Group>
    </>
  );
}
