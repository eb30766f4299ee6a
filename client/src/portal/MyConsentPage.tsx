import { useMutation } from "@apollo/client/react";
import { Alert, Badge, Button, Checkbox, Group, List, Modal, Paper, Stack, Text, Title } from "@mantine/core";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { MyCasesDocument, RecordConsentDocument, RevokeConsentDocument, type ConsentFieldsFragment } from "../generated/graphql";
import { describeError, errorFacts } from "../ui/errors";
import { useFormat } from "../ui/format";
import { PageHeading } from "../ui/PageHeading";
import { Empty, ErrorState, Loading } from "../ui/states";
import { needsOf } from "./my-cases";
import { useMyCases } from "./use-my-cases";

/** Countries of Meridian's partner teams, China first (DESIGN.md). */
const PARTNER_COUNTRIES = ["CN", "HK", "SG", "JP", "KR", "US", "GB"];

/** Give and revoke cross-border consent, with what it allows and what revoking does, in plain words. */
export default function MyConsentPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const mine = useMyCases();
  const refetchQueries = [{ query: MyCasesDocument }];
  const [record, recording] = useMutation(RecordConsentDocument, { refetchQueries, awaitRefetchQueries: true });
  const [revoke, revoking] = useMutation(RevokeConsentDocument, { refetchQueries, awaitRefetchQueries: true });
  const [agreed, setAgreed] = useState(false);
  const [confirming, setConfirming] = useState<ConsentFieldsFragment | null>(null);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const names = useMemo(() => new Intl.DisplayNames([format.locale], { type: "region" }), [format.locale]);
  const countryList = useMemo(() => {
    const list = new Intl.ListFormat(format.locale, { type: "conjunction" });
    return (codes: readonly string[]) => list.format(codes.map((code) => names.of(code) ?? code));
  }, [format.locale, names]);

  const title = t("portal.consent.title");
  if (mine.error) return <ErrorState error={mine.error} onRetry={mine.refetch} />;
  if (mine.loading || !mine.patientId) return <Loading />;
  const patientId = mine.patientId;

  const needed = mine.cases.flatMap((c) => needsOf(c, mine.consents)).flatMap((need) => (need.kind === "CONSENT" ? need.countries : []));
  const offered = [...new Set([...PARTNER_COUNTRIES, ...needed])];
  const countries = chosen ?? (needed.length > 0 ? [...new Set(needed)] : ["CN"]);
  const active = mine.consents.filter((c) => c.active);
  const past = mine.consents.filter((c) => !c.active);

  const give = async () => {
    const done = await record({ variables: { input: { patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: countries } } }).catch(() => null);
    if (done?.data) {
      setAgreed(false);
      setChosen(null);
    }
  };
  const confirmRevoke = async () => {
    if (!confirming) return;
    const done = await revoke({ variables: { id: confirming.id } }).catch(() => null);
    if (done?.data) setConfirming(null);
  };
  const giveError = recording.error && (errorFacts(recording.error).code === "CONFLICT" ? t("portal.consent.already") : describeError(t, recording.error));

  return (
    <Stack>
      <PageHeading title={title}>{title}</PageHeading>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t("portal.consent.whatTitle")}
          </Title>
          <Text>{t("portal.consent.what")}</Text>
          <Title order={3} size="h5">
            {t("portal.consent.seeTitle")}
          </Title>
          <List spacing={4}>
            <List.Item>{t("portal.consent.see1")}</List.Item>
            <List.Item>{t("portal.consent.see2")}</List.Item>
            <List.Item>{t("portal.consent.see3")}</List.Item>
          </List>
          <Title order={3} size="h5">
            {t("portal.consent.neverTitle")}
          </Title>
          <Text>{t("portal.consent.never")}</Text>
          <Title order={3} size="h5">
            {t("portal.consent.revokeTitle")}
          </Title>
          <Text>{t("portal.consent.revokeExplain")}</Text>
        </Stack>
      </Paper>

      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("portal.consent.mine")}
        </Title>
        {mine.consents.length === 0 ? (
          <Empty>{t("portal.consent.none")}</Empty>
        ) : (
          <Stack gap="sm">
            {[...active, ...past].map((consent) => (
              <Paper key={consent.id} withBorder p="sm" data-consent={consent.id}>
                <Group justify="space-between">
                  <div>
                    <Group gap="xs">
                      <Badge variant="outline" color={consent.active ? "teal.9" : "dark"} style={{ textTransform: "none" }}>
                        {consent.active ? t("portal.consent.active") : t("portal.consent.revoked")}
                      </Badge>
                      <Text>{t("portal.consent.countries", { countries: countryList(consent.destinationCountries) })}</Text>
                    </Group>
                    <Text size="sm" c="dimmed">
                      {t("portal.consent.given", { date: format.dateTime(consent.grantedAt) })}
                      {consent.revokedAt ? ` · ${t("portal.consent.revokedAt", { date: format.dateTime(consent.revokedAt) })}` : ""}
                    </Text>
                  </div>
                  {consent.active && (
                    <Button variant="outline" color="red" onClick={() => setConfirming(consent)}>
                      {t("portal.consent.revoke")}
                    </Button>
                  )}
                </Group>
              </Paper>
            ))}
          </Stack>
        )}
      </Paper>

      <Paper withBorder p="md">
        <Stack>
          <Title order={2} size="h4">
            {t("portal.consent.giveTitle")}
          </Title>
          <Checkbox.Group label={t("portal.consent.which")} value={countries} onChange={setChosen}>
            <Group mt="xs">
              {offered.map((code) => (
                <Checkbox key={code} value={code} label={names.of(code) ?? code} />
              ))}
            </Group>
          </Checkbox.Group>
          <Checkbox label={t("portal.consent.agree")} checked={agreed} onChange={(event) => setAgreed(event.currentTarget.checked)} />
          {giveError && (
            <Alert color="red" role="alert">
              {giveError}
            </Alert>
          )}
          <Button onClick={() => void give()} loading={recording.loading} disabled={!agreed || countries.length === 0} style={{ alignSelf: "flex-start" }}>
            {t("portal.consent.give")}
          </Button>
        </Stack>
      </Paper>

      <Modal opened={confirming !== null} onClose={() => setConfirming(null)} title={t("portal.consent.confirmTitle")} closeButtonProps={{ "aria-label": t("common.close") }}>
        <Stack>
          <Text>{t("portal.consent.confirmBody", { countries: confirming ? countryList(confirming.destinationCountries) : "" })}</Text>
          <Text>{t("portal.consent.confirmUnread")}</Text>
          {revoking.error && (
            <Alert color="red" role="alert">
              {describeError(t, revoking.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(null)}>
              {t("portal.consent.keep")}
            </Button>
            <Button color="red" loading={revoking.loading} onClick={() => void confirmRevoke()}>
              {t("portal.consent.confirmRevoke")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
