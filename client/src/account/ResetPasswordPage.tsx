import { useMutation } from "@apollo/client/react";
import { Alert, Anchor, Button } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { useMeridianClient } from "../app/auth";
import { HOME } from "../app/navigation";
import { ResetPasswordDocument } from "../generated/graphql";
import { describeError } from "../ui/errors";
import { NewPasswordFields, newPasswordReady, type NewPassword } from "./NewPasswordFields";
import { PublicCard } from "./PublicCard";

/** The link of the reset mail (/reset-password#token=…, the server's account-links.ts): the token stays in the fragment, out of server logs. */
export default function ResetPasswordPage() {
  const { t } = useTranslation();
  const { session } = useMeridianClient();
  const navigate = useNavigate();
  const [token] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get("token"));
  const [value, setValue] = useState<NewPassword>({ password: "", confirm: "" });
  const [reset, { loading, error }] = useMutation(ResetPasswordDocument);

  const submit = async () => {
    if (!token || !newPasswordReady(value)) return;
    const result = await reset({ variables: { token, password: value.password } }).catch(() => null);
    if (!result?.data) return;
    session.signedIn(result.data.resetPassword);
    navigate(HOME[result.data.resetPassword.user.role], { replace: true });
  };

  return (
    <PublicCard title={t("resetPassword.title")} onSubmit={() => void submit()}>
      {!token && (
        <Alert color="red" role="alert">
          {t("resetPassword.noToken")}
        </Alert>
      )}
      {error && (
        <Alert color="red" role="alert">
          {describeError(t, error)}
        </Alert>
      )}
      <NewPasswordFields value={value} onChange={setValue} />
      <Button type="submit" loading={loading} disabled={!token || !newPasswordReady(value)}>
        {t("resetPassword.submit")}
      </Button>
      <Anchor component={Link} to="/forgot-password" size="sm">
        {t("resetPassword.again")}
      </Anchor>
    </PublicCard>
  );
}
