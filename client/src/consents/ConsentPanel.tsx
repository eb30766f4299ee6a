import { useMutation, useQuery } from "@apollo/client/react";
import { Alert, Badge, Button, Checkbox, Group, Modal, MultiSelect, Paper, Stack, Text, Title } from "@mantine/core";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { PatientFileDocument, RecordConsentDocument, RevokeConsentDocument, type ConsentFieldsFragment } from "../generated/graphql";
import { COUNTRIES } from "../ui/countries";
import { describeError } from "../ui/errors";
import { useFormat } from "../ui/format";
import { Empty, ErrorState, Loading } from "../ui/states";

/** Cross-border consent, recorded by staff from a form the patient signed (attested), with its destination countries. */
export function ConsentPanel({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { data, error, refetch } = useQuery(PatientFileDocument, { variables: { id: patientId } });
  const [countries, setCountries] = useState<string[]>(["CN"]);
  const [attested, setAttested] = useState(false);
  const [revoking, setRevoking] = useState<ConsentFieldsFragment | null>(null);
  const refetchQueries = [{ query: PatientFileDocument, variables: { id: patientId } }];
  const [record, recording] = useMutation(RecordConsentDocument, { refetchQueries });
  const [revoke, revokeState] = useMutation(RevokeConsentDocument, { refetchQueries });
  const names = useMemo(() => new Intl.DisplayNames([format.locale], { type: "region" }), [format.locale]);

  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!data) return <Loading />;
  const consents = data.patient?.consents ?? [];

  const submit = async () => {
    const result = await record({ variables: { input: { patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: countries } } }).catch(() => null);
    if (result?.data) setAttested(false);
  };

  return (
    <Stack>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("consent.title")}
        </Title>
        {consents.length === 0 ? (
          <Empty>{t("consent.none")}</Empty>
        ) : (
          <Stack gap="sm">
            {consents.map((consent) => (
              <Paper key={consent.id} withBorder p="sm">
                <Group justify="space-between">
                  <div>
                    <Group gap="xs">
                      <Badge variant="outline" color={consent.active ? "teal.9" : "dark"} style={{ textTransform: "none" }}>
                        {consent.active ? t("consent.active") : t("consent.revoked")}
                      </Badge>
                      <Text size="sm">{consent.destinationCountries.map((code) => names.of(code) ?? code).join(", ")}</Text>
                    </Group>
                    <Text size="xs" c="dimmed">
                      {t("consent.granted", { date: format.dateTime(consent.grantedAt) })}
                      {consent.attestedByCoordinator ? ` · ${t("consent.attested")}` : ""}
                      {consent.revokedAt ? ` · ${t("consent.revokedAt", { date: format.dateTime(consent.revokedAt) })}` : ""}
                    </Text>
                  </div>
                  {consent.active && (
                    <Button variant="outline" color="red" size="xs" onClick={() => setRevoking(consent)}>
                      {t("consent.revoke")}
                    </Button>
                  )}
                </Group>
              </Paper>
            ))}
          </Stack>
        )}
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("consent.record")}
        </Title>
        <Stack>
          <Text size="sm">{t("consent.explain")}</Text>
          <MultiSelect
            label={t("consent.countries")}
            data={COUNTRIES.map((code) => ({ value: code, label: `${names.of(code) ?? code} (${code})` }))}
            value={countries}
            onChange={setCountries}
            searchable
          />
          <Checkbox label={t("consent.attest")} checked={attested} onChange={(e) => setAttested(e.currentTarget.checked)} />
          {recording.error && (
            <Alert color="red" role="alert">
              {describeError(t, recording.error)}
            </Alert>
          )}
          <Button onClick={() => void submit()} loading={recording.loading} disabled={!attested || countries.length === 0} style={{ alignSelf: "flex-end" }}>
            {t("consent.submit")}
          </Button>
        </Stack>
      </Paper>
      <Modal opened={revoking !== null} onClose={() => setRevoking(null)} title={t("consent.revokeTitle")}>
        <Stack>
          <Text size="sm">{t("consent.revokeHint")}</Text>
          {revokeState.error && (
            <Alert color="red" role="alert">
              {describeError(t, revokeState.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              {t("common.cancel")}
            </Button>
            <Button
              color="red"
              loading={revokeState.loading}
              onClick={() =>
                revoking &&
                void revoke({ variables: { id: revoking.id } })
                  .then(() => setRevoking(null))
                  .catch(() => undefined)
              }
            >
              {t("consent.revoke")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
