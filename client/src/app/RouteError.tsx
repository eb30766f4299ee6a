import { Anchor, Container, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { PageHeading } from "../ui/PageHeading";

/** What a broken or unknown route shows instead of a blank screen. */
export function RouteError({ notFound = false }: { notFound?: boolean }) {
  const { t } = useTranslation();
  const title = notFound ? t("routeError.notFound") : t("routeError.title");
  return (
    <Container size="sm" py="xl">
      <Stack>
        <PageHeading title={title}>{title}</PageHeading>
        <Text>{notFound ? t("routeError.notFoundHint") : t("routeError.hint")}</Text>
        <Anchor component={Link} to="/">
          {t("routeError.home")}
        </Anchor>
      </Stack>
    </Container>
  );
}
