import { useMutation } from "@apollo/client/react";
import { Alert, Anchor, Button, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { RequestPasswordResetDocument } from "../generated/graphql";
import { describeError } from "../ui/errors";
import { PublicCard } from "./PublicCard";

/**
 * Asks for a reset link. The answer is the same whether or not an account has this email
 * (the server tells nothing either), so the page cannot be used to find out who has one.
 */
export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState("");
  const [request, { loading, error, data }] = useMutation(RequestPasswordResetDocument);

  const submit = () => {
    if (!email.trim()) return;
    void request({ variables: { email: email.trim() } }).catch(() => undefined);
  };

  return (
    <PublicCard title={t("forgotPassword.title")} onSubmit={submit}>
      {data ? (
        <Alert color="teal" role="status">
          {t("forgotPassword.sent")}
        </Alert>
      ) : (
        <>
          <Text size="sm">{t("forgotPassword.hint")}</Text>
          {error && (
            <Alert color="red" role="alert">
              {describeError(t, error)}
            </Alert>
          )}
          <TextInput label={t("signIn.email")} type="email" autoComplete="username" required withAsterisk={false} value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <Button type="submit" loading={loading} disabled={!email.trim()}>
            {t("forgotPassword.submit")}
          </Button>
        </>
      )}
      <Anchor component={Link} to="/sign-in" size="sm">
        {t("forgotPassword.back")}
      </Anchor>
    </PublicCard>
  );
}
