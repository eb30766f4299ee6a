import { useMutation, useQuery } from "@apollo/client/react";
import { Alert, Anchor, Button, Group, Modal, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { LegalHoldPatientDocument, LiftLegalHoldDocument, PlaceLegalHoldDocument } from "../generated/graphql";
import { describeError } from "../ui/errors";
import { useFormat } from "../ui/format";
import { notify } from "../ui/notify";
import { PageHeading } from "../ui/PageHeading";
import { ErrorState, Loading } from "../ui/states";

/** One patient's legal hold: place it with a reason, or lift it (which runs an erasure asked for under it). */
export default function LegalHoldPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { patientId = "" } = useParams();
  const { data, error, refetch } = useQuery(LegalHoldPatientDocument, { variables: { id: patientId } });
  const refetchQueries = [{ query: LegalHoldPatientDocument, variables: { id: patientId } }];
  const [place, placing] = useMutation(PlaceLegalHoldDocument, { refetchQueries, awaitRefetchQueries: true });
  const [lift, lifting] = useMutation(LiftLegalHoldDocument);
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [erased, setErased] = useState(false);

  if (erased) {
    return (
      <Stack>
        <PageHeading title={t("admin.holds.erasedTitle")}>{t("admin.holds.erasedTitle")}</PageHeading>
        <Text>{t("admin.holds.erased")}</Text>
        <Anchor component={Link} to="/admin/legal-holds">
          {t("admin.holds.back")}
        </Anchor>
      </Stack>
    );
  }
  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!data?.patient) return <Loading />;
  const patient = data.patient;
  const hold = patient.legalHold;

  const submitPlace = async (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) return;
    const result = await place({ variables: { patientId, reason: reason.trim() } }).catch(() => null);
    if (!result?.data) return;
    setReason("");
    notify(t, t("admin.holds.placed"));
  };

  const submitLift = async () => {
    const result = await lift({ variables: { patientId } }).catch(() => null);
    setConfirming(false);
    if (!result?.data) return;
    if (result.data.liftLegalHold) {
      setErased(true);
      return;
    }
    await refetch();
    notify(t, t("admin.holds.lifted"));
  };

  return (
    <Stack maw={720}>
      <Anchor component={Link} to="/admin/legal-holds" size="sm">
        {t("admin.holds.back")}
      </Anchor>
      <PageHeading title={t("admin.holds.patientTitle", { name: patient.fullName })}>{t("admin.holds.patientTitle", { name: patient.fullName })}</PageHeading>
      {hold ? (
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
            {t("admin.holds.standing")}
          </Title>
          <Stack gap="sm" align="flex-start">
            <Text size="sm">{t("admin.holds.heldSince", { date: format.dateTime(hold.placedAt) })}</Text>
            <Text size="sm" data-testid="hold-reason">
              {t("admin.holds.reasonIs", { reason: hold.reason })}
            </Text>
            {hold.erasureRequested && (
              <Alert color="orange" role="status">
                {t("admin.holds.erasureWaiting")}
              </Alert>
            )}
            {lifting.error && (
              <Alert color="red" role="alert">
                {describeError(t, lifting.error)}
              </Alert>
            )}
            <Button variant="default" onClick={() => setConfirming(true)}>
              {t("admin.holds.lift")}
            </Button>
          </Stack>
        </Paper>
      ) : (
        <Paper withBorder p="md" component="form" onSubmit={(event: FormEvent) => void submitPlace(event)} noValidate>
          <Title order={2} size="h4" mb="sm">
            {t("admin.holds.place")}
          </Title>
          <Stack>
            <Text size="sm">{t("admin.holds.noneStanding")}</Text>
            <Textarea label={t("admin.holds.reason")} description={t("admin.holds.reasonHint")} required autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            {placing.error && (
              <Alert color="red" role="alert">
                {describeError(t, placing.error)}
              </Alert>
            )}
            <Button type="submit" loading={placing.loading} disabled={!reason.trim()} style={{ alignSelf: "flex-end" }}>
              {t("admin.holds.place")}
            </Button>
          </Stack>
        </Paper>
      )}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t("admin.holds.liftTitle")} closeButtonProps={{ "aria-label": t("common.close") }}>
        <Stack>
          <Text size="sm">{hold?.erasureRequested ? t("admin.holds.liftErases") : t("admin.holds.liftHint")}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t("common.cancel")}
            </Button>
            <Button color="orange.9" loading={lifting.loading} onClick={() => void submitLift()}>
              {t("admin.holds.liftConfirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
