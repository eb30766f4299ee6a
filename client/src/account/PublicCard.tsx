import { Center, Group, Paper, Stack, Text } from "@mantine/core";
import type { FormEvent, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "../app/LanguageSwitch";
import { PageHeading } from "../ui/PageHeading";

/** The frame of the pages used signed out (forgotten and reset password): the product, the page's h1, the language switch, a form. */
export function PublicCard({ title, onSubmit, children }: { title: string; onSubmit: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={440}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <Group justify="space-between" align="flex-start" wrap="nowrap">
              <div>
                <Text fw={700} c="meridian.8">
                  {t("app.name")}
                </Text>
                <PageHeading title={title}>{title}</PageHeading>
              </div>
              <LanguageSwitch />
            </Group>
            {children}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
