import { useMutation } from "@apollo/client/react";
import { Alert, Button, Group, Paper, Select, Stack, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { CreatePatientDocument, type Language } from "../generated/graphql";
import { describeError, errorFacts } from "../ui/errors";
import { PageHeading } from "../ui/PageHeading";

/** A new patient file; the case is opened next, on the patient's page. */
export default function NewPatientPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form, setForm] = useState({ fullName: "", email: "", dateOfBirth: "", healthCardNumber: "", preferredLanguage: "EN" as Language });
  const [create, { loading, error }] = useMutation(CreatePatientDocument);
  const field = error ? errorFacts(error).field : undefined;
  const fieldError = (name: string) => (field === `input.${name}` ? describeError(t, error) : undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create({
      variables: {
        input: {
          fullName: form.fullName.trim(),
          email: form.email.trim(),
          dateOfBirth: form.dateOfBirth,
          healthCardNumber: form.healthCardNumber.trim() || null,
          preferredLanguage: form.preferredLanguage,
        },
      },
    }).catch(() => null);
    if (result?.data) navigate(`/patients/${result.data.createPatient.id}`, { state: { created: true } });
  };

  return (
    <Stack maw={640}>
      <PageHeading title={t("newPatient.title")}>{t("newPatient.title")}</PageHeading>
      <Paper withBorder p="md">
        <form onSubmit={(event) => void submit(event)} noValidate>
          <Stack>
            {error && !field && (
              <Alert color="red" role="alert">
                {describeError(t, error)}
              </Alert>
            )}
            <TextInput label={t("newPatient.fullName")} required value={form.fullName} error={fieldError("fullName")} onChange={(e) => setForm({ ...form, fullName: e.currentTarget.value })} />
            <TextInput label={t("newPatient.email")} type="email" required value={form.email} error={fieldError("email")} onChange={(e) => setForm({ ...form, email: e.currentTarget.value })} />
            <TextInput label={t("newPatient.dateOfBirth")} type="date" required value={form.dateOfBirth} error={fieldError("dateOfBirth")} onChange={(e) => setForm({ ...form, dateOfBirth: e.currentTarget.value })} />
            <TextInput label={t("newPatient.healthCard")} value={form.healthCardNumber} error={fieldError("healthCardNumber")} onChange={(e) => setForm({ ...form, healthCardNumber: e.currentTarget.value })} />
            <Select
              label={t("newPatient.language")}
              data={[
                { value: "EN", label: t("languageName.EN") },
                { value: "ZH", label: t("languageName.ZH") },
              ]}
              value={form.preferredLanguage}
              onChange={(value) => value && setForm({ ...form, preferredLanguage: value as Language })}
              allowDeselect={false}
            />
            <Group justify="flex-end">
              <Button type="submit" loading={loading} disabled={!form.fullName.trim() || !form.email.trim() || !form.dateOfBirth}>
                {t("newPatient.submit")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
