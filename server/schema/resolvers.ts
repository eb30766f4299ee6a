import { AuthResolver } from "../auth/auth.resolver.js";
import { CaseFieldsResolver } from "../cases/case-fields.resolver.js";
import { CaseResolver } from "../cases/case.resolver.js";
import { CommentResolver } from "../comments/comment.resolver.js";
import { ConsentResolver } from "../consents/consent.resolver.js";
import { CaseEventResolver } from "../events/case-event.resolver.js";
import { CaseEventSubscription } from "../events/case-event.subscription.js";
import { ErasureResolver } from "../erasure/erasure.resolver.js";
import { LegalHoldResolver } from "../erasure/legal-hold.resolver.js";
import { OptionResolver } from "../options/option.resolver.js";
import { PatientResolver } from "../patients/patient.resolver.js";
import { RecordResolver } from "../records/record.resolver.js";
import { ReviewerResolver } from "../reviewers/reviewer.resolver.js";
import { ReviewResolver } from "../reviews/review.resolver.js";
import { SummaryResolver } from "../summaries/summary.resolver.js";
import { UserResolver } from "../users/user.resolver.js";

export const resolvers = [
  AuthResolver,
  UserResolver,
  PatientResolver,
  ReviewerResolver,
  CaseResolver,
  CaseFieldsResolver,
  RecordResolver,
  SummaryResolver,
  ReviewResolver,
  CommentResolver,
  OptionResolver,
  ConsentResolver,
  CaseEventResolver,
  CaseEventSubscription,
  ErasureResolver,
  LegalHoldResolver,
] as const;
