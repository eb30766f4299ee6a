import { PasswordInput, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

export interface NewPassword {
  password: string;
  confirm: string;
}

/** A new password typed twice; usable once both are given and agree (the server checks the rest). */
export const newPasswordReady = ({ password, confirm }: NewPassword) => password.length > 0 && password === confirm;

export function NewPasswordFields({ value, onChange, label }: { value: NewPassword; onChange: (value: NewPassword) => void; label?: string }) {
  const { t } = useTranslation();
  const mismatch = value.confirm.length > 0 && value.confirm !== value.password;
  return (
    <>
      <Text size="sm">{t("activate.hint")}</Text>
      <PasswordInput
        label={label ?? t("activate.password")}
        autoComplete="new-password"
        required
        value={value.password}
        onChange={(e) => onChange({ ...value, password: e.currentTarget.value })}
      />
      <PasswordInput
        label={t("activate.confirm")}
        autoComplete="new-password"
        required
        value={value.confirm}
        error={mismatch ? t("activate.mismatch") : undefined}
        onChange={(e) => onChange({ ...value, confirm: e.currentTarget.value })}
      />
    </>
  );
}
