import { useMutation } from "@apollo/client/react";
import { Alert, Button, Paper, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useViewer } from "../app/auth";
import { LanguageSwitch } from "../app/LanguageSwitch";
import { ChangePasswordDocument } from "../generated/graphql";
import { describeError, errorFacts } from "../ui/errors";
import { notify } from "../ui/notify";
import { PageHeading } from "../ui/PageHeading";
import { NewPasswordFields, newPasswordReady, type NewPassword } from "./NewPasswordFields";

/** The signed-in person's own account, whatever their role: who they are, their language, their password. */
export default function AccountPage() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [current, setCurrent] = useState("");
  const [value, setValue] = useState<NewPassword>({ password: "", confirm: "" });
  const [change, { loading, error, reset }] = useMutation(ChangePasswordDocument);

  if (!viewer) return null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!current || !newPasswordReady(value)) return;
    const result = await change({ variables: { currentPassword: current, newPassword: value.password } }).catch(() => null);
    if (!result?.data) return;
    setCurrent("");
    setValue({ password: "", confirm: "" });
    reset();
    notify(t, t("account.changed"));
  };

  return (
    <Stack maw={560}>
      <PageHeading title={t("account.title")}>{t("account.title")}</PageHeading>
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Text fw={600}>{viewer.displayName}</Text>
          <Text size="sm">{viewer.email}</Text>
          <Text size="sm" c="dimmed">
            {t("account.role", { role: t(`role.${viewer.role}`) })}
          </Text>
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("account.language")}
        </Title>
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{t("account.languageHint")}</Text>
          <LanguageSwitch />
        </Stack>
      </Paper>
      <Paper withBorder p="md" component="form" onSubmit={(event: FormEvent) => void submit(event)} noValidate>
        <Title order={2} size="h4" mb="sm">
          {t("account.password")}
        </Title>
        <Stack>
          <PasswordInput label={t("account.current")} autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.currentTarget.value)} />
          <NewPasswordFields value={value} onChange={setValue} />
          <Text size="xs" c="dimmed">
            {t("account.othersEnd")}
          </Text>
          {error && (
            <Alert color="red" role="alert">
              {errorFacts(error).field === "currentPassword" ? t("account.wrongCurrent") : describeError(t, error)}
            </Alert>
          )}
          <Button type="submit" loading={loading} disabled={!current || !newPasswordReady(value)} style={{ alignSelf: "flex-end" }}>
            {t("account.submit")}
          </Button>
        </Stack>
      </Paper>
    </Stack>
  );
}
