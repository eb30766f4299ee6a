import { useMutation } from "@apollo/client/react";
import { Alert, Button, Group, Paper, Radio, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { AdminUsersDocument, CreateUserDocument, IssueAccountInvitationDocument, type ReviewerProfileInput } from "../generated/graphql";
import { describeError } from "../ui/errors";
import { PageHeading } from "../ui/PageHeading";
import { InvitationLink } from "./InvitationLink";
import { emptyProfile, profileReady, ReviewerProfileFields } from "./ReviewerProfileFields";

type NewRole = "COORDINATOR" | "REVIEWER";

/**
 * A coordinator's or a reviewer's account. It has no password: the page issues the invitation
 * link at once, for the admin to pass on (the server mails it too).
 */
export default function NewUserPage() {
  const { t } = useTranslation();
  const [role, setRole] = useState<NewRole>("REVIEWER");
  const [displayName, setDisplayName] = useState("");
  const [email, setEmail] = useState("");
  const [profile, setProfile] = useState<ReviewerProfileInput>(emptyProfile);
  const [created, setCreated] = useState<{ id: string; displayName: string; link?: string } | null>(null);
  const [create, creating] = useMutation(CreateUserDocument, { refetchQueries: [AdminUsersDocument] });
  const [invite, inviting] = useMutation(IssueAccountInvitationDocument);

  const ready = displayName.trim() && email.trim() && (role !== "REVIEWER" || profileReady(profile));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    const reviewer = role === "REVIEWER" ? { ...profile, institution: profile.institution.trim() } : null;
    const result = await create({ variables: { input: { role, displayName: displayName.trim(), email: email.trim(), reviewer } } }).catch(() => null);
    if (!result?.data) return;
    const user = result.data.createUser;
    const invitation = await invite({ variables: { userId: user.id } }).catch(() => null);
    setCreated({ id: user.id, displayName: user.displayName, link: invitation?.data?.issueAccountInvitation });
  };

  const again = () => {
    setCreated(null);
    setDisplayName("");
    setEmail("");
    setProfile(emptyProfile());
    creating.reset();
    inviting.reset();
  };

  if (created) {
    return (
      <Stack maw={720}>
        <PageHeading title={t("admin.newUser.created", { name: created.displayName })}>{t("admin.newUser.created", { name: created.displayName })}</PageHeading>
        <Paper withBorder p="md">
          <InvitationLink userId={created.id} initial={created.link} />
        </Paper>
        <Group>
          <Button variant="default" onClick={again}>
            {t("admin.newUser.another")}
          </Button>
          <Button component={Link} to="/admin/users" variant="subtle">
            {t("admin.newUser.toList")}
          </Button>
        </Group>
      </Stack>
    );
  }

  return (
    <Stack maw={720}>
      <PageHeading title={t("admin.newUser.title")}>{t("admin.newUser.title")}</PageHeading>
      <Paper withBorder p="md" component="form" onSubmit={(event: FormEvent) => void submit(event)} noValidate>
        <Stack>
          <Radio.Group label={t("admin.newUser.role")} value={role} onChange={(value) => setRole(value as NewRole)}>
            <Group mt="xs">
              <Radio value="REVIEWER" label={t("admin.roleName.REVIEWER")} />
              <Radio value="COORDINATOR" label={t("admin.roleName.COORDINATOR")} />
            </Group>
          </Radio.Group>
          <TextInput label={t("admin.newUser.displayName")} description={t("admin.newUser.displayNameHint")} required value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
          <TextInput label={t("admin.newUser.email")} type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          {role === "REVIEWER" && (
            <>
              <Title order={2} size="h4">
                {t("admin.newUser.profile")}
              </Title>
              <ReviewerProfileFields value={profile} onChange={setProfile} />
            </>
          )}
          <Text size="sm" c="dimmed">
            {t("admin.newUser.afterwards")}
          </Text>
          {creating.error && (
            <Alert color="red" role="alert">
              {describeError(t, creating.error)}
            </Alert>
          )}
          <Button type="submit" loading={creating.loading || inviting.loading} disabled={!ready} style={{ alignSelf: "flex-end" }}>
            {t("admin.newUser.submit")}
          </Button>
        </Stack>
      </Paper>
    </Stack>
  );
}
