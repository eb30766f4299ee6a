import { useQuery } from "@apollo/client/react";
import { Badge, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { MyOptionsDocument } from "../generated/graphql";
import { PageHeading } from "../ui/PageHeading";
import { Empty, ErrorState, Loading } from "../ui/states";
import { CasePicker } from "./CasePicker";
import { Disclaimer } from "./Disclaimer";
import { useMyCases } from "./use-my-cases";

/** The pathway options delivered to me, with what Meridian is not and whom to discuss them with. */
export default function MyOptionsPage() {
  const { t } = useTranslation();
  const mine = useMyCases();
  const title = t("portal.options.title");
  if (mine.error) return <ErrorState error={mine.error} onRetry={mine.refetch} />;
  if (mine.loading) return <Loading />;
  return (
    <Stack>
      <PageHeading title={title}>{title}</PageHeading>
      <Disclaimer />
      {!mine.current ? (
        <Empty>{t("portal.case.none")}</Empty>
      ) : (
        <>
          <CasePicker cases={mine.cases} current={mine.current} />
          <OptionsOfCase key={mine.current.id} caseId={mine.current.id} />
        </>
      )}
    </Stack>
  );
}

function OptionsOfCase({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const { data, error, refetch } = useQuery(MyOptionsDocument, { variables: { caseId } });
  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!data) return <Loading />;
  const options = data.case?.options ?? [];
  if (options.length === 0) return <Empty>{t("portal.options.notYet")}</Empty>;
  return (
    <Stack>
      <Text>{t("portal.options.intro")}</Text>
      {options.map((option, index) => (
        <Paper key={option.id} withBorder p="md" component="article" data-option={option.title}>
          <Stack gap={6}>
            <Group gap="xs">
              <Title order={2} size="h4">
                {t("portal.options.numbered", { number: index + 1, title: option.title })}
              </Title>
              <Badge variant="outline" color="dark" style={{ textTransform: "none" }}>
                {t(`pathwayKind.${option.kind}`)}
              </Badge>
            </Group>
            <Text style={{ whiteSpace: "pre-wrap" }}>{option.description}</Text>
            {option.eligibility && <Text size="sm">{t("portal.options.eligibility", { value: option.eligibility })}</Text>}
            {option.evidence && <Text size="sm">{t("portal.options.evidence", { value: option.evidence })}</Text>}
            <Text size="sm" c="dimmed">
              {t(`portal.options.complexity.${option.complexity}`)}
            </Text>
          </Stack>
        </Paper>
      ))}
      <Text fw={600}>{t("portal.options.discuss")}</Text>
    </Stack>
  );
}
