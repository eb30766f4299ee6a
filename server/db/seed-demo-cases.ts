import { Readable } from "node:stream";
import type { RequestContext } from "../context.js";
import { CaseEntity } from "../cases/case.entity.js";
import { openCase, transitionCase } from "../cases/case.service.js";
import { addComment } from "../comments/comment.service.js";
import { CaseStatus, Complexity, ConsentScope, Language, OptionStatus, PathwayKind, RecordKind, SummarySection } from "../common/enums.js";
import { recordConsent } from "../consents/consent.service.js";
import { proposePathwayOption, setPathwayOptionStatus } from "../options/option.service.js";
import { createPatient } from "../patients/patient.service.js";
import { acceptDocument } from "../records/document.service.js";
import type { AddMedicalRecordInput } from "../records/medical-record.input.js";
import { addMedicalRecord, shareRecordWithReviewers } from "../records/record.service.js";
import { inviteReviewer, respondToInvitation, submitReview } from "../reviews/review.service.js";
import type { SaveCaseSummaryInput } from "../summaries/case-summary.input.js";
import { publishCaseSummary, saveCaseSummary } from "../summaries/summary.service.js";

/** Who acts in the demo's stories, each as a request context of their own. */
export interface DemoActors {
  coordinator: RequestContext;
  reviewerZh: RequestContext;
  reviewerEn: RequestContext;
  /** The demo patient's own account, once createPatient has made it. */
  patientAccount(): Promise<RequestContext>;
}

const DAY_MS = 86_400_000;
/** Dates relative to the day of the seed, so a document is never dated in the future. */
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
const daysAhead = (days: number) => new Date(Date.now() + days * DAY_MS);

/** A record with a small placeholder document: records count as collected once their bytes arrived. */
async function demoRecord(ctx: RequestContext, input: AddMedicalRecordInput, share = false): Promise<void> {
  const { row } = await addMedicalRecord(ctx, input);
  const text = `Demo document (${input.title}): placeholder text, no real patient data.\n`;
  await acceptDocument(ctx, row, "text/plain", Readable.from([Buffer.from(text)]));
  if (share) await shareRecordWithReviewers(ctx, row.id, true);
}

async function move(ctx: RequestContext, caseId: string, to: CaseStatus): Promise<void> {
  const { version } = await ctx.db.getRepository(CaseEntity).findOneByOrFail({ id: caseId });
  await transitionCase(ctx, caseId, to, version, null);
}

async function publishedSummary(ctx: RequestContext, input: SaveCaseSummaryInput): Promise<string> {
  const draft = await saveCaseSummary(ctx, input);
  await publishCaseSummary(ctx, draft.id);
  return draft.id;
}

const crossBorder = { scope: ConsentScope.CROSS_BORDER_REVIEW, destinationCountries: ["CN"] };

/**
 * The demo's patients and cases, through the services themselves, one per stage a user meets:
 * the demo patient's own case being organised (no reviewer yet, their own consent and upload),
 * one in translation with a reviewer invited, one in pathway assessment (bilingual summary,
 * a reviewer at work: comments, a reply, a proposed option, a second reviewer invited), one
 * whose options were delivered, and one just opened. Names and facts are invented.
 */
export async function seedDemoCases(actors: DemoActors, reviewerIds: { zh: string; en: string }): Promise<void> {
  const { coordinator } = actors;

  // The demo patient's own case: records collected (one uploaded by the patient), being organised.
  const diane = await createPatient(coordinator, { fullName: "Diane Lefebvre", dateOfBirth: new Date("1961-04-12"), email: "patient@demo.meridian", healthCardNumber: "1234-567-890", preferredLanguage: Language.EN });
  const dianeCase = await openCase(coordinator, { patientId: diane.id, reason: "Is surgery after chemotherapy the right plan for my lung cancer, or are there other options?" });
  const patient = await actors.patientAccount();
  await demoRecord(coordinator, { caseId: dianeCase.row.id, kind: RecordKind.PATHOLOGY_REPORT, title: "Biopsy pathology report", language: Language.EN, documentDate: daysAgo(45) });
  await demoRecord(coordinator, { caseId: dianeCase.row.id, kind: RecordKind.IMAGING_REPORT, title: "CT chest, abdomen and pelvis report", language: Language.EN, documentDate: daysAgo(38) });
  await demoRecord(patient, { caseId: dianeCase.row.id, kind: RecordKind.CLINICAL_NOTE, title: "Letter from my oncologist", language: Language.EN, documentDate: daysAgo(20) });
  await recordConsent(patient, { patientId: diane.id, ...crossBorder });
  await move(coordinator, dianeCase.row.id, CaseStatus.CASE_ORGANISATION);

  // In translation: the English summary published, a reviewer in China invited.
  const robert = await createPatient(coordinator, { fullName: "Robert Kowalczyk", dateOfBirth: new Date("1975-09-30"), email: "robert.kowalczyk@demo.meridian", healthCardNumber: null, preferredLanguage: Language.EN });
  const robertCase = await openCase(coordinator, { patientId: robert.id, reason: "Second opinion on the treatment plan for colorectal cancer." });
  await demoRecord(coordinator, { caseId: robertCase.row.id, kind: RecordKind.CLINICAL_NOTE, title: "Oncology consultation note", language: Language.EN, documentDate: daysAgo(30) }, true);
  await move(coordinator, robertCase.row.id, CaseStatus.CASE_ORGANISATION);
  await publishedSummary(coordinator, {
    caseId: robertCase.row.id,
    language: Language.EN,
    primaryCancer: "Adenocarcinoma of the sigmoid colon",
    histology: "Moderately differentiated adenocarcinoma",
    stage: "cT3 N1 M0 (stage IIIB)",
    biomarkers: [{ name: "MSI", result: "MSS" }, { name: "KRAS", result: "G12D mutated" }],
    ecogPerformanceStatus: 1,
    treatmentHistory: "No treatment yet.",
    currentPlan: "Surgery followed by adjuvant CAPOX.",
    questionsForReviewers: ["Would neoadjuvant therapy be worth considering?"],
  });
  await move(coordinator, robertCase.row.id, CaseStatus.TRANSLATION);
  await recordConsent(coordinator, { patientId: robert.id, ...crossBorder });
  await inviteReviewer(coordinator, robertCase.row.id, reviewerIds.zh, daysAhead(14));

  // In pathway assessment: records shared, the summary in English and Chinese, a reviewer at work.
  const michael = await createPatient(coordinator, { fullName: "Michael Brennan", dateOfBirth: new Date("1959-11-23"), email: "michael.brennan@demo.meridian", healthCardNumber: "9876-543-210", preferredLanguage: Language.EN });
  const michaelCase = (await openCase(coordinator, { patientId: michael.id, reason: "My surgeon proposes a lobectomy; would treatment before surgery give me a better chance?" })).row.id;
  await demoRecord(coordinator, { caseId: michaelCase, kind: RecordKind.PATHOLOGY_REPORT, title: "EBUS biopsy pathology report", language: Language.EN, documentDate: daysAgo(60) }, true);
  await demoRecord(coordinator, { caseId: michaelCase, kind: RecordKind.IMAGING_REPORT, title: "PET-CT report", language: Language.EN, documentDate: daysAgo(55) }, true);
  await demoRecord(coordinator, { caseId: michaelCase, kind: RecordKind.GENETIC_TEST, title: "Tumour molecular panel (NGS)", language: Language.EN, documentDate: daysAgo(41) }, true);
  await move(coordinator, michaelCase, CaseStatus.CASE_ORGANISATION);
  const michaelEn = await publishedSummary(coordinator, {
    caseId: michaelCase,
    language: Language.EN,
    primaryCancer: "Non-small cell lung cancer, right upper lobe",
    histology: "Adenocarcinoma, acinar predominant",
    stage: "cT2b N1 M0 (stage IIB)",
    biomarkers: [{ name: "EGFR", result: "Wild type" }, { name: "ALK", result: "Negative" }, { name: "PD-L1 (TPS)", result: "60%" }],
    ecogPerformanceStatus: 0,
    treatmentHistory: "No treatment yet. Former smoker (30 pack-years, stopped 8 years ago).",
    currentPlan: "Right upper lobectomy with mediastinal lymph node dissection, then adjuvant chemotherapy.",
    questionsForReviewers: ["Would neoadjuvant chemo-immunotherapy be preferable to upfront surgery?", "Is further mediastinal staging needed before deciding?"],
  });
  await move(coordinator, michaelCase, CaseStatus.TRANSLATION);
  const michaelZh = await publishedSummary(coordinator, {
    caseId: michaelCase,
    language: Language.ZH,
    translationOfId: michaelEn,
    primaryCancer: "非小细胞肺癌，右肺上叶",
    histology: "腺癌，腺泡为主型",
    stage: "cT2b N1 M0（IIB 期）",
    biomarkers: [{ name: "EGFR", result: "野生型" }, { name: "ALK", result: "阴性" }, { name: "PD-L1 (TPS)", result: "60%" }],
    ecogPerformanceStatus: 0,
    treatmentHistory: "尚未接受治疗。既往吸烟（30 包年，已戒烟 8 年）。",
    currentPlan: "右肺上叶切除术加纵隔淋巴结清扫，术后辅助化疗。",
    questionsForReviewers: ["新辅助化疗联合免疫治疗是否优于直接手术？", "决定前是否需要进一步的纵隔分期？"],
  });
  await recordConsent(coordinator, { patientId: michael.id, ...crossBorder });
  const accepted = await inviteReviewer(coordinator, michaelCase, reviewerIds.zh, daysAhead(10));
  await respondToInvitation(actors.reviewerZh, accepted.id, true, null);
  await move(coordinator, michaelCase, CaseStatus.PATHWAY_ASSESSMENT);
  const question = await addComment(actors.reviewerZh, {
    caseId: michaelCase,
    summaryId: michaelZh,
    section: SummarySection.STAGE,
    body: "N1 仅依据 PET-CT 判断。请问是否做过 EBUS 纵隔淋巴结系统取样？如未做，建议在决定治疗方案前补充。",
  });
  await addComment(coordinator, {
    caseId: michaelCase,
    summaryId: michaelZh,
    section: SummarySection.STAGE,
    parentId: question.row.id,
    body: "EBUS 仅取样了 10R 站（阳性）；4R 和 7 站未取样。我们会请主治团队确认。",
  });
  await addComment(actors.reviewerZh, {
    caseId: michaelCase,
    summaryId: michaelZh,
    section: SummarySection.BIOMARKERS,
    body: "PD-L1 高表达且 EGFR/ALK 阴性，支持考虑新辅助化疗联合免疫治疗。",
  });
  await proposePathwayOption(actors.reviewerZh, {
    caseId: michaelCase,
    kind: PathwayKind.ALTERNATIVE_TREATMENT,
    title: "新辅助化疗联合免疫治疗后手术",
    description: "先行 3 个周期含铂双药化疗联合 PD-1 抑制剂，复查评估后行肺叶切除术。",
    evidence: "CheckMate 816 等 III 期研究显示病理完全缓解率和无事件生存期获益。",
    eligibility: "适用于可切除的 II–IIIA 期、EGFR/ALK 阴性患者。",
    complexity: Complexity.MEDIUM,
  });
  await inviteReviewer(coordinator, michaelCase, reviewerIds.en, daysAhead(12));

  // Options delivered: the reviewer's opinion submitted, two options presented, one set aside.
  const linda = await createPatient(coordinator, { fullName: "Linda Marchetti", dateOfBirth: new Date("1968-02-17"), email: "linda.marchetti@demo.meridian", healthCardNumber: null, preferredLanguage: Language.EN });
  const lindaCase = (await openCase(coordinator, { patientId: linda.id, reason: "I would like a second opinion on my breast cancer treatment before starting." })).row.id;
  await demoRecord(coordinator, { caseId: lindaCase, kind: RecordKind.PATHOLOGY_REPORT, title: "Core biopsy pathology with receptor status", language: Language.EN, documentDate: daysAgo(90) }, true);
  await demoRecord(coordinator, { caseId: lindaCase, kind: RecordKind.IMAGING_REPORT, title: "Breast MRI report", language: Language.EN, documentDate: daysAgo(84) }, true);
  await move(coordinator, lindaCase, CaseStatus.CASE_ORGANISATION);
  const lindaSummary = await publishedSummary(coordinator, {
    caseId: lindaCase,
    language: Language.EN,
    primaryCancer: "Invasive ductal carcinoma, left breast",
    histology: "Grade 3 invasive ductal carcinoma",
    stage: "cT2 N1 M0 (stage IIB)",
    biomarkers: [{ name: "ER", result: "Negative" }, { name: "PR", result: "Negative" }, { name: "HER2", result: "Positive (IHC 3+)" }],
    ecogPerformanceStatus: 0,
    treatmentHistory: "No treatment yet.",
    currentPlan: "Neoadjuvant docetaxel, carboplatin, trastuzumab and pertuzumab, then surgery.",
    questionsForReviewers: ["Is the neoadjuvant regimen appropriate?", "What should follow if residual disease remains after surgery?"],
  });
  await move(coordinator, lindaCase, CaseStatus.TRANSLATION);
  await recordConsent(coordinator, { patientId: linda.id, ...crossBorder });
  const lindaAssignment = await inviteReviewer(coordinator, lindaCase, reviewerIds.en, daysAhead(7));
  await respondToInvitation(actors.reviewerEn, lindaAssignment.id, true, null);
  await move(coordinator, lindaCase, CaseStatus.PATHWAY_ASSESSMENT);
  await addComment(actors.reviewerEn, { caseId: lindaCase, summaryId: lindaSummary, section: SummarySection.CURRENT_PLAN, body: "The regimen matches current guidelines for HER2-positive disease of this stage." });
  const confirm = await proposePathwayOption(actors.reviewerEn, {
    caseId: lindaCase,
    kind: PathwayKind.CONFIRM_CURRENT_PLAN,
    title: "Proceed with the planned neoadjuvant treatment",
    description: "Six cycles of docetaxel, carboplatin, trastuzumab and pertuzumab, then surgery. If cancer remains at surgery, switching to trastuzumab emtansine afterwards is the usual next step.",
    evidence: "TRAIN-2 and KATHERINE phase 3 trials.",
    eligibility: null,
    complexity: Complexity.LOW,
  });
  const trial = await proposePathwayOption(actors.reviewerEn, {
    caseId: lindaCase,
    kind: PathwayKind.CLINICAL_TRIAL,
    title: "Ask about a de-escalation trial",
    description: "Trials are testing whether some patients can safely receive less chemotherapy alongside HER2-targeted drugs. The treating team can say whether one is open nearby.",
    evidence: "Phase 2 data; trials ongoing.",
    eligibility: "Depends on each trial's criteria.",
    complexity: Complexity.MEDIUM,
  });
  const abroad = await proposePathwayOption(actors.reviewerEn, {
    caseId: lindaCase,
    kind: PathwayKind.TREATMENT_ABROAD,
    title: "Treatment at the partner centre",
    description: "The same regimen is available at the partner centre; no advantage over treatment at home.",
    evidence: null,
    eligibility: null,
    complexity: Complexity.HIGH,
  });
  await submitReview(
    actors.reviewerEn,
    lindaAssignment.id,
    "The proposed neoadjuvant plan is appropriate and consistent with current evidence. We agree with treatment at home; a de-escalation trial may be worth asking about.",
  );
  await setPathwayOptionStatus(coordinator, confirm.id, OptionStatus.SELECTED_FOR_PRESENTATION);
  await setPathwayOptionStatus(coordinator, trial.id, OptionStatus.SELECTED_FOR_PRESENTATION);
  await setPathwayOptionStatus(coordinator, abroad.id, OptionStatus.SET_ASIDE);
  await move(coordinator, lindaCase, CaseStatus.OPTION_MAPPING);
  await move(coordinator, lindaCase, CaseStatus.OPTIONS_DELIVERED);

  // Just opened, in Chinese.
  const wenjing = await createPatient(coordinator, { fullName: "Li Wenjing", dateOfBirth: new Date("1958-01-05"), email: "li.wenjing@demo.meridian", healthCardNumber: null, preferredLanguage: Language.ZH });
  await openCase(coordinator, { patientId: wenjing.id, reason: "Confirm the diagnosis of my stomach cancer." });
}
