import { useMutation } from "@apollo/client/react";
import { Alert, Button, Code, CopyButton, Group, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { IssueAccountInvitationDocument } from "../generated/graphql";
import { describeError } from "../ui/errors";

/**
 * The invitation link of an account not yet activated, to pass on to its owner (the server
 * mails it too). Issuing a new one ends the earlier link.
 */
export function InvitationLink({ userId, initial }: { userId: string; initial?: string }) {
  const { t } = useTranslation();
  const [issue, { data, loading, error }] = useMutation(IssueAccountInvitationDocument);
  const link = data?.issueAccountInvitation ?? initial;
  return (
    <Stack align="flex-start" gap="sm">
      {link ? (
        <>
          <Text size="sm">{t("admin.invitation.ready")}</Text>
          <Group wrap="nowrap" maw="100%">
            <Code data-testid="invitation-link" style={{ wordBreak: "break-all" }}>
              {link}
            </Code>
            <CopyButton value={link}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" onClick={copy}>
                  {copied ? t("invitation.copied") : t("invitation.copy")}
                </Button>
              )}
            </CopyButton>
          </Group>
        </>
      ) : (
        <Text size="sm">{t("admin.invitation.hint")}</Text>
      )}
      {error && (
        <Alert color="red" role="alert">
          {describeError(t, error)}
        </Alert>
      )}
      <Button variant="default" size="xs" loading={loading} onClick={() => void issue({ variables: { userId } }).catch(() => undefined)}>
        {link ? t("admin.invitation.reissue") : t("admin.invitation.issue")}
      </Button>
    </Stack>
  );
}
