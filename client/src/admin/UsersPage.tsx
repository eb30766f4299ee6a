import { useQuery } from "@apollo/client/react";
import { Badge, Button, Group, Modal, Paper, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { AdminUsersDocument, type AdminUserFieldsFragment, type Role } from "../generated/graphql";
import { PageHeading } from "../ui/PageHeading";
import { Empty, ErrorState, Loading } from "../ui/states";
import { InvitationLink } from "./InvitationLink";
import { ReviewerProfileDialog } from "./ReviewerProfileDialog";

const PAGE_SIZE = 20;
const ROLES: Role[] = ["ADMIN", "COORDINATOR", "REVIEWER", "PATIENT"];
const ALL = "ALL";

function AccountState({ user }: { user: AdminUserFieldsFragment }) {
  const { t } = useTranslation();
  const [color, label] = user.disabled ? ["gray", "admin.users.disabled"] : !user.activated ? ["yellow", "admin.users.pending"] : ["teal", "admin.users.active"];
  // The colour only tints the background; the text stays dark enough to read.
  return (
    <Badge color={color} c="dark.9" variant="light" radius="sm" style={{ textTransform: "none", overflow: "visible" }} miw="max-content">
      {t(label)}
    </Badge>
  );
}

/** Every account, newest first: by role, by part of a name or email, a page at a time; invitations and reviewer profiles from here. */
export default function UsersPage() {
  const { t } = useTranslation();
  const [role, setRole] = useState<Role | null>(null);
  const [search, setSearch] = useState("");
  const [term] = useDebouncedValue(search.trim(), 300);
  // The cursors of the pages before this one: "previous" pops, "next" pushes.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1];
  const { data, error, refetch } = useQuery(AdminUsersDocument, { variables: { role, search: term || null, first: PAGE_SIZE, after } });
  const [inviting, setInviting] = useState<AdminUserFieldsFragment | null>(null);
  const [editing, setEditing] = useState<AdminUserFieldsFragment | null>(null);

  const restart = () => setCursors([null]);
  const users = (data?.users.edges ?? []).map(({ node }) => node);

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <PageHeading title={t("admin.users.title")}>{t("admin.users.title")}</PageHeading>
        <Button component={Link} to="/admin/users/new">
          {t("admin.nav.newUser")}
        </Button>
      </Group>
      <Paper withBorder p="md">
        <Group align="flex-end" grow>
          <TextInput
            label={t("admin.users.search")}
            description={t("admin.users.searchHint")}
            type="search"
            value={search}
            onChange={(e) => {
              setSearch(e.currentTarget.value);
              restart();
            }}
          />
          <Select
            label={t("admin.users.role")}
            data={[{ value: ALL, label: t("admin.users.allRoles") }, ...ROLES.map((value) => ({ value, label: t(`admin.roleName.${value}`) }))]}
            value={role ?? ALL}
            allowDeselect={false}
            onChange={(value) => {
              setRole(value && value !== ALL ? (value as Role) : null);
              restart();
            }}
          />
        </Group>
      </Paper>
      {error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !data ? (
        <Loading />
      ) : users.length === 0 ? (
        <Empty>{t("admin.users.noMatch")}</Empty>
      ) : (
        <Paper withBorder>
          <Table verticalSpacing="sm">
            <Table.Caption>{t("admin.users.count", { count: data.users.totalCount })}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("admin.users.name")}</Table.Th>
                <Table.Th scope="col">{t("admin.users.email")}</Table.Th>
                <Table.Th scope="col">{t("admin.users.role")}</Table.Th>
                <Table.Th scope="col">{t("admin.users.state")}</Table.Th>
                <Table.Th scope="col">{t("admin.users.profile")}</Table.Th>
                <Table.Th scope="col">{t("admin.users.actions")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.map((user) => (
                <Table.Tr key={user.id} data-user-id={user.id}>
                  <Table.Td>{user.displayName}</Table.Td>
                  <Table.Td>{user.email}</Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>{t(`admin.roleName.${user.role}`)}</Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <AccountState user={user} />
                  </Table.Td>
                  <Table.Td>
                    {user.reviewer && (
                      <Text size="sm">
                        {[user.reviewer.institution, user.reviewer.country, user.reviewer.specialties.join(", ")].filter(Boolean).join(" · ")}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {!user.activated && !user.disabled && (
                        <Button size="xs" variant="default" onClick={() => setInviting(user)} aria-label={t("admin.users.inviteOf", { name: user.displayName })}>
                          {t("admin.users.invite")}
                        </Button>
                      )}
                      {user.reviewer && (
                        <Button size="xs" variant="default" onClick={() => setEditing(user)} aria-label={t("admin.users.editOf", { name: user.displayName })}>
                          {t("admin.users.edit")}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      <Group justify="flex-end">
        <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t("common.previous")}
        </Button>
        <Button variant="default" disabled={!data?.users.pageInfo.hasNextPage} onClick={() => data?.users.pageInfo.endCursor && setCursors([...cursors, data.users.pageInfo.endCursor])}>
          {t("common.next")}
        </Button>
      </Group>
      <Modal opened={inviting !== null} onClose={() => setInviting(null)} title={t("admin.invitation.title", { name: inviting?.displayName ?? "" })} closeButtonProps={{ "aria-label": t("common.close") }} size="lg">
        {inviting && <InvitationLink userId={inviting.id} />}
      </Modal>
      {editing?.reviewer && <ReviewerProfileDialog name={editing.displayName} reviewer={editing.reviewer} onClose={() => setEditing(null)} />}
    </Stack>
  );
}
