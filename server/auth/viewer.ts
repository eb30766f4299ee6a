import type { Language, Role } from "../common/enums.js";

/** Who is asking: loaded once per request (or per socket) from the access token. */
export interface Viewer {
  userId: string;
  role: Role;
  displayName: string;
  /** The patient profile of a PATIENT. */
  patientId: string | null;
  /** The reviewer profile of a REVIEWER, with what consent coverage depends on. */
  reviewerId: string | null;
  reviewerCountry: string | null;
  reviewerLanguages: Language[];
}
