import { useApolloClient } from "@apollo/client/react";
import { AppShell, Burger, Button, Container, Group, NavLink, Text, VisuallyHidden } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, Outlet, useLocation, useNavigate } from "react-router";
import { SignOutDocument } from "../generated/graphql";
import { Loading } from "../ui/states";
import { useMeridianClient, useViewer } from "./auth";
import { NAVIGATION } from "./navigation";
import { LanguageSwitch } from "./LanguageSwitch";

/** The signed-in frame: header, navigation, the page. */
export default function Workspace() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const client = useMeridianClient();
  const apollo = useApolloClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [opened, { toggle, close }] = useDisclosure();

  if (!viewer) return <Navigate to="/sign-in" replace />;

  const signOut = async () => {
    const refreshToken = client.session.storedRefreshToken;
    if (refreshToken) await apollo.mutate({ mutation: SignOutDocument, variables: { refreshToken } }).catch(() => undefined);
    client.session.signedOut();
    client.resetSocket();
    await apollo.clearStore();
    navigate("/sign-in", { replace: true });
  };

  const links = NAVIGATION[viewer.role].map((item) => ({ to: item.to, label: t(item.label), active: item.current(location.pathname) }));

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("nav.toggle")} />
            <Text fw={700} size="lg" c="meridian.8">
              {t("app.name")}
            </Text>
            <Text size="sm" c="dimmed" visibleFrom="md">
              {t("app.tagline")}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LanguageSwitch />
            <Text size="sm" visibleFrom="sm">
              {viewer.displayName}
              <VisuallyHidden>{` (${t(`role.${viewer.role}`)})`}</VisuallyHidden>
            </Text>
            <Button component={Link} to="/account" variant="subtle" size="xs" aria-current={location.pathname === "/account" ? "page" : undefined}>
              {t("account.link")}
            </Button>
            <Button variant="default" size="xs" onClick={() => void signOut()}>
              {t("nav.signOut")}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t("nav.label")}>
        {links.map((link) => (
          <NavLink key={link.to} component={Link} to={link.to} label={link.label} active={link.active} onClick={close} aria-current={link.active ? "page" : undefined} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Container size="xl" px={0}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
