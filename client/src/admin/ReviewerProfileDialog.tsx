import { useMutation } from "@apollo/client/react";
import { Alert, Button, Group, Modal, Stack } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { UpdateReviewerProfileDocument, type ReviewerProfileFieldsFragment, type ReviewerProfileInput } from "../generated/graphql";
import { describeError } from "../ui/errors";
import { notify } from "../ui/notify";
import { profileReady, ReviewerProfileFields } from "./ReviewerProfileFields";

/** Edits a reviewer's profile; the saved profile replaces the cached one, so the list shows it at once. */
export function ReviewerProfileDialog({ name, reviewer, onClose }: { name: string; reviewer: ReviewerProfileFieldsFragment; onClose: () => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState<ReviewerProfileInput>({
    institution: reviewer.institution,
    country: reviewer.country,
    specialties: reviewer.specialties,
    languages: reviewer.languages,
  });
  const [save, { loading, error }] = useMutation(UpdateReviewerProfileDocument);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!profileReady(value)) return;
    const result = await save({ variables: { reviewerId: reviewer.id, input: { ...value, institution: value.institution.trim() } } }).catch(() => null);
    if (!result?.data) return;
    notify(t, t("admin.profile.saved", { name }));
    onClose();
  };

  return (
    <Modal opened onClose={onClose} title={t("admin.profile.title", { name })} closeButtonProps={{ "aria-label": t("common.close") }}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack>
          <ReviewerProfileFields value={value} onChange={setValue} />
          {error && (
            <Alert color="red" role="alert">
              {describeError(t, error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={loading} disabled={!profileReady(value)}>
              {t("admin.profile.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
