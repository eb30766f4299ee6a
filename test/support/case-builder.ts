import { ok, type TestServer } from "./server";

/**
 * Cases built through the public API, step by step, as a coordinator would: for tests that
 * need a case in a given state (records uploaded and shared, summaries, reviewers, ...).
 */

export interface Reviewer {
  token: string;
  reviewerId: string;
}

export class CaseBuilder {
  constructor(
    private readonly server: TestServer,
    private readonly coordinatorToken: string,
  ) {}

  private async run(query: string, variables: Record<string, unknown>, token = this.coordinatorToken) {
    return ok(await this.server.gql(query, variables, token));
  }

  async openCase(patientId: string, reason = "Is the proposed treatment the right one?"): Promise<string> {
    return (await this.run(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId, reason } })).openCase.id;
  }

  async version(caseId: string): Promise<number> {
    return (await this.run(`query($id: ID!) { case(id: $id) { version } }`, { id: caseId })).case.version;
  }

  /** Moves the case as the coordinator, from its current version. */
  async move(caseId: string, to: string, note?: string): Promise<void> {
    await this.run(`mutation($id: ID!, $to: CaseStatus!, $v: Int!, $note: String) { transitionCase(id: $id, to: $to, expectedVersion: $v, note: $note) { status } }`, {
      id: caseId,
      to,
      v: await this.version(caseId),
      note,
    });
  }

  /** Adds a record (as `token`'s user), uploads its bytes and, when asked, shares it with the reviewers. */
  async addRecord(caseId: string, options: { token?: string; title?: string; share?: boolean; body?: string } = {}): Promise<string> {
    const record = (
      await this.run(
        `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id uploadUrl } }`,
        { input: { caseId, kind: "PATHOLOGY_REPORT", title: options.title ?? "Core biopsy pathology", language: "EN", documentDate: "2026-01-15" } },
        options.token ?? this.coordinatorToken,
      )
    ).addMedicalRecord;
    const upload = await fetch(record.uploadUrl, { method: "PUT", headers: { "content-type": "text/plain" }, body: options.body ?? "Redacted pathology report: adenocarcinoma." });
    if (upload.status !== 201) throw new Error(`upload answered ${upload.status}: ${await upload.text()}`);
    if (options.share) await this.run(`mutation($id: ID!) { shareRecordWithReviewers(id: $id, redactionConfirmed: true) { id } }`, { id: record.id });
    return record.id;
  }

  async saveSummary(caseId: string, input: Record<string, unknown> = {}): Promise<string> {
    const full = { caseId, language: "EN", primaryCancer: "Non-small cell lung cancer", histology: "Adenocarcinoma", stage: "cT2a N1 M0", currentPlan: "Neoadjuvant chemo-immunotherapy", ...input };
    return (await this.run(`mutation($input: SaveCaseSummaryInput!) { saveCaseSummary(input: $input) { id } }`, { input: full })).saveCaseSummary.id;
  }

  async publishSummary(summaryId: string): Promise<void> {
    await this.run(`mutation($id: ID!) { publishCaseSummary(id: $id) { id } }`, { id: summaryId });
  }

  async recordConsent(patientId: string, countries: string[]): Promise<string> {
    return (
      await this.run(`mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`, { input: { patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: countries } })
    ).recordConsent.id;
  }

  async invite(caseId: string, reviewerId: string): Promise<string> {
    return (await this.run(`mutation($c: ID!, $r: ID!) { inviteReviewer(caseId: $c, reviewerId: $r) { id } }`, { c: caseId, r: reviewerId })).inviteReviewer.id;
  }

  async accept(assignmentId: string, reviewer: Reviewer): Promise<void> {
    await this.run(`mutation($id: ID!) { respondToInvitation(assignmentId: $id, accept: true) { id } }`, { id: assignmentId }, reviewer.token);
  }

  async comment(caseId: string, summaryId: string, body: string, token = this.coordinatorToken): Promise<string> {
    return (
      await this.run(`mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`, { input: { caseId, summaryId, section: "GENERAL", body } }, token)
    ).addComment.id;
  }

  async proposeOption(caseId: string, title = "Targeted therapy first", token = this.coordinatorToken): Promise<string> {
    return (
      await this.run(
        `mutation($input: ProposePathwayOptionInput!) { proposePathwayOption(input: $input) { id } }`,
        { input: { caseId, kind: "ALTERNATIVE_TREATMENT", title, description: "Targeted therapy before surgery.", complexity: "MEDIUM", evidence: "Phase 3 data" } },
        token,
      )
    ).proposePathwayOption.id;
  }

  /**
   * A case in PATHWAY_ASSESSMENT: a record uploaded and shared, a published EN summary, the
   * patient's consent for the reviewer's country, the reviewer (who must read EN) accepted, a
   * comment and an option. The patient's consent is recorded by the coordinator unless given.
   */
  async assessmentCase(patientId: string, reviewer: Reviewer, country: string, options: { consent?: boolean } = {}) {
    const caseId = await this.openCase(patientId);
    const recordId = await this.addRecord(caseId, { share: true });
    await this.move(caseId, "CASE_ORGANISATION");
    const summaryId = await this.saveSummary(caseId);
    await this.publishSummary(summaryId);
    await this.move(caseId, "TRANSLATION");
    if (options.consent !== false) await this.recordConsent(patientId, [country]);
    const assignmentId = await this.invite(caseId, reviewer.reviewerId);
    await this.accept(assignmentId, reviewer);
    await this.move(caseId, "PATHWAY_ASSESSMENT");
    const commentId = await this.comment(caseId, summaryId, "Please weigh targeted therapy.");
    const optionId = await this.proposeOption(caseId);
    return { caseId, recordId, summaryId, assignmentId, commentId, optionId };
  }

  /**
   * A case in OPTIONS_DELIVERED: an assessment case whose reviewer submitted `opinion`, with
   * `delivered` selected for presentation and `setAside` set aside (never shown to the patient).
   */
  async deliveredCase(patientId: string, reviewer: Reviewer, country: string, texts: { opinion: string; delivered: string; setAside: string }) {
    const built = await this.assessmentCase(patientId, reviewer, country);
    await this.run(`mutation($id: ID!, $o: String!) { submitReview(assignmentId: $id, opinion: $o) { id } }`, { id: built.assignmentId, o: texts.opinion }, reviewer.token);
    const delivered = await this.proposeOption(built.caseId, texts.delivered);
    const setAside = await this.proposeOption(built.caseId, texts.setAside);
    await this.run(`mutation($id: ID!) { setPathwayOptionStatus(id: $id, status: SELECTED_FOR_PRESENTATION) { id } }`, { id: delivered });
    await this.run(`mutation($id: ID!) { setPathwayOptionStatus(id: $id, status: SET_ASIDE) { id } }`, { id: setAside });
    await this.move(built.caseId, "OPTION_MAPPING");
    await this.move(built.caseId, "OPTIONS_DELIVERED");
    return { ...built, deliveredOptionId: delivered, setAsideOptionId: setAside };
  }
}
