import { useMutation } from "@apollo/client/react";
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useMeridianClient } from "../app/auth";
import { HOME } from "../app/navigation";
import { ActivateAccountDocument } from "../generated/graphql";
import { describeError } from "../ui/errors";
import { PageHeading } from "../ui/PageHeading";

/** The invitation link (/activate#token=…): the token stays in the fragment, never sent to a server log. */
export default function ActivatePage() {
  const { t } = useTranslation();
  const { session } = useMeridianClient();
  const navigate = useNavigate();
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [activate, { loading, error }] = useMutation(ActivateAccountDocument);
  const mismatch = confirm.length > 0 && confirm !== password;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!token || mismatch) return;
    const result = await activate({ variables: { token, password } }).catch(() => null);
    if (!result?.data) return;
    session.signedIn(result.data.activateAccount);
    navigate(HOME[result.data.activateAccount.user.role], { replace: true });
  };

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
        <form onSubmit={(event) => void submit(event)} noValidate>
          <Stack>
            <PageHeading title={t("activate.title")}>{t("activate.title")}</PageHeading>
            {!token && <Alert color="red" role="alert">{t("activate.noToken")}</Alert>}
            {error && <Alert color="red" role="alert">{describeError(t, error)}</Alert>}
            <Text size="sm">{t("activate.hint")}</Text>
            <PasswordInput label={t("activate.password")} autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <PasswordInput
              label={t("activate.confirm")}
              autoComplete="new-password"
              required
              value={confirm}
              error={mismatch ? t("activate.mismatch") : undefined}
              onChange={(e) => setConfirm(e.currentTarget.value)}
            />
            <Button type="submit" loading={loading} disabled={!token || !password || mismatch}>
              {t("activate.submit")}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
