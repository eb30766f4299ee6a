import { notifications } from "@mantine/notifications";
import type { TFunction } from "i18next";

/** A short confirmation, announced politely, with a labelled close button. */
export function notify(t: TFunction, message: string) {
  notifications.show({ message, closeButtonProps: { "aria-label": t("common.close") } });
}
