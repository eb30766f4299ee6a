import { useMutation } from "@apollo/client/react";
import { Alert, Anchor, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { useMeridianClient, useViewer } from "../app/auth";
import { LanguageSwitch } from "../app/LanguageSwitch";
import { LoginDocument } from "../generated/graphql";
import { describeError, errorFacts } from "../ui/errors";
import { PageHeading } from "../ui/PageHeading";

/** Only a path inside the app: an open redirect through ?next= would be a phishing aid. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export default function SignInPage() {
  const { t } = useTranslation();
  const { session } = useMeridianClient();
  const viewer = useViewer();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [login, { loading, error }] = useMutation(LoginDocument);

  if (viewer) return <Navigate to={safeNext(params.get("next"))} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await login({ variables: { email: email.trim(), password } }).catch(() => null);
    if (!result?.data) return;
    session.signedIn(result.data.login);
    navigate(safeNext(params.get("next")), { replace: true });
  };

  const wrongCredentials = error && errorFacts(error).code === "UNAUTHENTICATED";

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
        <form onSubmit={(event) => void submit(event)} noValidate>
          <Stack>
            <Group justify="space-between" align="flex-start">
              <div>
                <Text fw={700} c="meridian.8">
                  {t("app.name")}
                </Text>
                <PageHeading title={t("signIn.title")}>{t("signIn.title")}</PageHeading>
              </div>
              <LanguageSwitch />
            </Group>
            {error && (
              <Alert color="red" role="alert">
                {wrongCredentials ? t("signIn.wrongCredentials") : describeError(t, error)}
              </Alert>
            )}
            <TextInput label={t("signIn.email")} type="email" autoComplete="username" required withAsterisk={false} value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
            <PasswordInput label={t("signIn.password")} autoComplete="current-password" required withAsterisk={false} value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <Button type="submit" loading={loading} disabled={!email || !password}>
              {t("signIn.submit")}
            </Button>
            <Anchor component={Link} to="/forgot-password" size="sm">
              {t("forgotPassword.link")}
            </Anchor>
            <Text size="xs" c="dimmed">
              {t("signIn.privacy")}
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
