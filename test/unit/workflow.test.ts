import { CaseStatus } from "../../server/common/enums";
import { hasEdge, isActive, isTerminal, optionsFrozen, planTransition, transitionOptions, unmetRequirements, type CaseState, type GuardFacts, type Requirement } from "../../server/cases/workflow";

/**
 * The case status machine of DESIGN.md ("The workflow (case status)"), checked
 * against tables written out here by hand, not derived from the module.
 */

const S = CaseStatus;

const ALL_STATUSES: CaseStatus[] = [
  S.RECORDS_COLLECTION,
  S.CASE_ORGANISATION,
  S.TRANSLATION,
  S.PATHWAY_ASSESSMENT,
  S.OPTION_MAPPING,
  S.OPTIONS_DELIVERED,
  S.CLOSED,
  S.ON_HOLD,
  S.WITHDRAWN,
];

/** Active: not CLOSED, WITHDRAWN or ON_HOLD. */
const ACTIVE_STATUSES: CaseStatus[] = [S.RECORDS_COLLECTION, S.CASE_ORGANISATION, S.TRANSLATION, S.PATHWAY_ASSESSMENT, S.OPTION_MAPPING, S.OPTIONS_DELIVERED];

/** Every edge of the diagram from a status other than ON_HOLD, guards aside. */
const EXPECTED_EDGES: Record<Exclude<CaseStatus, CaseStatus.ON_HOLD>, CaseStatus[]> = {
  [S.RECORDS_COLLECTION]: [S.CASE_ORGANISATION, S.ON_HOLD, S.WITHDRAWN],
  [S.CASE_ORGANISATION]: [S.TRANSLATION, S.ON_HOLD, S.WITHDRAWN],
  [S.TRANSLATION]: [S.PATHWAY_ASSESSMENT, S.ON_HOLD, S.WITHDRAWN],
  [S.PATHWAY_ASSESSMENT]: [S.OPTION_MAPPING, S.ON_HOLD, S.WITHDRAWN],
  [S.OPTION_MAPPING]: [S.OPTIONS_DELIVERED, S.ON_HOLD, S.WITHDRAWN],
  // Reopening option mapping: later changes to delivered options go through a new delivery.
  [S.OPTIONS_DELIVERED]: [S.OPTION_MAPPING, S.CLOSED, S.ON_HOLD, S.WITHDRAWN],
  [S.CLOSED]: [],
  [S.WITHDRAWN]: [],
};

/** From ON_HOLD, by the status it was held from: back there, or withdrawn. */
const EXPECTED_EDGES_FROM_HOLD: Record<string, CaseStatus[]> = {
  [S.RECORDS_COLLECTION]: [S.RECORDS_COLLECTION, S.WITHDRAWN],
  [S.CASE_ORGANISATION]: [S.CASE_ORGANISATION, S.WITHDRAWN],
  [S.TRANSLATION]: [S.TRANSLATION, S.WITHDRAWN],
  [S.PATHWAY_ASSESSMENT]: [S.PATHWAY_ASSESSMENT, S.WITHDRAWN],
  [S.OPTION_MAPPING]: [S.OPTION_MAPPING, S.WITHDRAWN],
  [S.OPTIONS_DELIVERED]: [S.OPTIONS_DELIVERED, S.WITHDRAWN],
};

/** What entering each status requires (DESIGN.md guard table). */
const EXPECTED_REQUIREMENTS: Record<CaseStatus, Requirement[]> = {
  [S.RECORDS_COLLECTION]: [],
  [S.CASE_ORGANISATION]: ["MEDICAL_RECORD"],
  [S.TRANSLATION]: ["PUBLISHED_SUMMARY"],
  [S.PATHWAY_ASSESSMENT]: ["PUBLISHED_TRANSLATION", "ACTIVE_CONSENT", "ACCEPTED_REVIEWER"],
  [S.OPTION_MAPPING]: ["SUBMITTED_REVIEW"],
  [S.OPTIONS_DELIVERED]: ["OPTION_FOR_PRESENTATION"],
  [S.CLOSED]: [],
  [S.ON_HOLD]: [],
  [S.WITHDRAWN]: [],
};

/** Every guard satisfied. */
const FULL: GuardFacts = {
  recordCount: 3,
  hasPublishedSummary: true,
  translationReady: true,
  consentCoversAcceptedReviewers: true,
  acceptedReviewerCount: 2,
  submittedReviewCount: 1,
  optionsForPresentationCount: 1,
};

/** No guard satisfied. */
const EMPTY: GuardFacts = {
  recordCount: 0,
  hasPublishedSummary: false,
  translationReady: false,
  consentCoversAcceptedReviewers: false,
  acceptedReviewerCount: 0,
  submittedReviewCount: 0,
  optionsForPresentationCount: 0,
};

/** Exactly what entering `status` needs, and nothing else. */
const ONLY_FOR: Record<CaseStatus, GuardFacts> = {
  [S.RECORDS_COLLECTION]: EMPTY,
  [S.CASE_ORGANISATION]: { ...EMPTY, recordCount: 1 },
  [S.TRANSLATION]: { ...EMPTY, hasPublishedSummary: true },
  [S.PATHWAY_ASSESSMENT]: { ...EMPTY, translationReady: true, consentCoversAcceptedReviewers: true, acceptedReviewerCount: 1 },
  [S.OPTION_MAPPING]: { ...EMPTY, submittedReviewCount: 1 },
  [S.OPTIONS_DELIVERED]: { ...EMPTY, optionsForPresentationCount: 1 },
  [S.CLOSED]: EMPTY,
  [S.ON_HOLD]: EMPTY,
  [S.WITHDRAWN]: EMPTY,
};

const state = (status: CaseStatus, heldFrom: CaseStatus | null = null): CaseState => ({ status, heldFrom });
const held = (from: CaseStatus): CaseState => state(S.ON_HOLD, from);
const sorted = <T>(list: readonly T[]) => [...list].sort();

/** What a successful transition from `from` to `to` must leave behind. */
function expectedNext(from: CaseState, to: CaseStatus): CaseState {
  if (to === S.ON_HOLD) return state(S.ON_HOLD, from.status);
  return state(to, null);
}

interface Pair {
  label: string;
  from: CaseState;
  to: CaseStatus;
  allowed: boolean;
}

const PAIRS: Pair[] = [
  ...(Object.keys(EXPECTED_EDGES) as Exclude<CaseStatus, CaseStatus.ON_HOLD>[]).flatMap((from) =>
    ALL_STATUSES.map((to) => ({ label: `${from} -> ${to}`, from: state(from), to, allowed: EXPECTED_EDGES[from].includes(to) })),
  ),
  ...Object.keys(EXPECTED_EDGES_FROM_HOLD).flatMap((heldFrom) =>
    ALL_STATUSES.map((to) => ({
      label: `ON_HOLD(from ${heldFrom}) -> ${to}`,
      from: held(heldFrom as CaseStatus),
      to,
      allowed: EXPECTED_EDGES_FROM_HOLD[heldFrom].includes(to),
    })),
  ),
];

describe("the expected tables themselves", () => {
  test("cover every status, and every active status as a heldFrom", () => {
    expect(sorted(Object.values(S))).toEqual(sorted(ALL_STATUSES));
    expect(sorted([...Object.keys(EXPECTED_EDGES), S.ON_HOLD])).toEqual(sorted(ALL_STATUSES));
    expect(sorted(Object.keys(EXPECTED_EDGES_FROM_HOLD))).toEqual(sorted(ACTIVE_STATUSES));
    // 8 statuses and 6 held states, each against 9 targets.
    expect(PAIRS).toHaveLength(8 * 9 + 6 * 9);
    expect(PAIRS.filter((p) => p.allowed)).toHaveLength(6 * 3 + 1 + 6 * 2);
  });
});

describe("every (from, to) pair", () => {
  test.each(PAIRS.map((p) => [p.label, p] as const))("%s", (_label, { from, to, allowed }) => {
    expect(hasEdge(from, to)).toBe(allowed);
    // With every guard satisfied and a note given, only the edge decides.
    const plan = planTransition(from, to, FULL, "a reason");
    if (allowed) {
      expect(plan).toEqual({ ok: true, next: expectedNext(from, to) });
    } else {
      expect(plan).toEqual({ ok: false, reason: "NO_SUCH_EDGE", missing: [] });
      // A missing edge is reported as such, before guards or the note are looked at.
      expect(planTransition(from, to, EMPTY, null)).toEqual({ ok: false, reason: "NO_SUCH_EDGE", missing: [] });
    }
  });
});

describe("isActive and isTerminal", () => {
  test.each(ALL_STATUSES)("%s", (status) => {
    expect(isActive(status)).toBe(ACTIVE_STATUSES.includes(status));
    expect(isTerminal(status)).toBe(status === S.CLOSED || status === S.WITHDRAWN);
  });
});

describe("forward guards", () => {
  const FORWARD_STEPS: [CaseStatus, CaseStatus][] = [
    [S.RECORDS_COLLECTION, S.CASE_ORGANISATION],
    [S.CASE_ORGANISATION, S.TRANSLATION],
    [S.TRANSLATION, S.PATHWAY_ASSESSMENT],
    [S.PATHWAY_ASSESSMENT, S.OPTION_MAPPING],
    [S.OPTION_MAPPING, S.OPTIONS_DELIVERED],
    [S.OPTIONS_DELIVERED, S.CLOSED],
  ];

  test.each(ALL_STATUSES)("unmetRequirements(%s) with nothing in place names exactly its requirements", (status) => {
    expect(sorted(unmetRequirements(status, EMPTY))).toEqual(sorted(EXPECTED_REQUIREMENTS[status]));
    expect(unmetRequirements(status, FULL)).toEqual([]);
  });

  test.each(FORWARD_STEPS)("%s -> %s with nothing in place is refused naming what is missing (or allowed when unguarded)", (from, to) => {
    const plan = planTransition(state(from), to, EMPTY, null);
    const expected = EXPECTED_REQUIREMENTS[to];
    if (expected.length === 0) {
      expect(plan).toEqual({ ok: true, next: state(to) });
    } else {
      expect(plan.ok).toBe(false);
      if (plan.ok) return;
      expect(plan.reason).toBe("GUARD");
      expect(sorted(plan.missing)).toEqual(sorted(expected));
    }
  });

  test.each(FORWARD_STEPS)("%s -> %s succeeds with only its own guard satisfied", (from, to) => {
    expect(planTransition(state(from), to, ONLY_FOR[to], null)).toEqual({ ok: true, next: state(to) });
  });

  test("CASE_ORGANISATION needs at least one medical record", () => {
    expect(planTransition(state(S.RECORDS_COLLECTION), S.CASE_ORGANISATION, { ...FULL, recordCount: 0 }, null)).toEqual({
      ok: false,
      reason: "GUARD",
      missing: ["MEDICAL_RECORD"],
    });
    expect(planTransition(state(S.RECORDS_COLLECTION), S.CASE_ORGANISATION, { ...EMPTY, recordCount: 1 }, null).ok).toBe(true);
  });

  test("TRANSLATION needs a published summary", () => {
    expect(planTransition(state(S.CASE_ORGANISATION), S.TRANSLATION, { ...FULL, hasPublishedSummary: false }, null)).toEqual({
      ok: false,
      reason: "GUARD",
      missing: ["PUBLISHED_SUMMARY"],
    });
  });

  test("OPTION_MAPPING needs a submitted review", () => {
    expect(planTransition(state(S.PATHWAY_ASSESSMENT), S.OPTION_MAPPING, { ...FULL, submittedReviewCount: 0 }, null)).toEqual({
      ok: false,
      reason: "GUARD",
      missing: ["SUBMITTED_REVIEW"],
    });
    expect(planTransition(state(S.PATHWAY_ASSESSMENT), S.OPTION_MAPPING, { ...EMPTY, submittedReviewCount: 1 }, null).ok).toBe(true);
  });

  test("OPTIONS_DELIVERED needs an option marked for presentation", () => {
    expect(planTransition(state(S.OPTION_MAPPING), S.OPTIONS_DELIVERED, { ...FULL, optionsForPresentationCount: 0 }, null)).toEqual({
      ok: false,
      reason: "GUARD",
      missing: ["OPTION_FOR_PRESENTATION"],
    });
    expect(planTransition(state(S.OPTION_MAPPING), S.OPTIONS_DELIVERED, { ...EMPTY, optionsForPresentationCount: 1 }, null).ok).toBe(true);
  });

  test("reopening OPTION_MAPPING from OPTIONS_DELIVERED is an edge with OPTION_MAPPING's own guard", () => {
    expect(planTransition(state(S.OPTIONS_DELIVERED), S.OPTION_MAPPING, ONLY_FOR[S.OPTION_MAPPING], null)).toEqual({ ok: true, next: state(S.OPTION_MAPPING) });
    expect(planTransition(state(S.OPTIONS_DELIVERED), S.OPTION_MAPPING, EMPTY, null)).toEqual({ ok: false, reason: "GUARD", missing: ["SUBMITTED_REVIEW"] });
    // Only that one step back: nothing else moves backwards, and a closed case does not reopen.
    expect(hasEdge(state(S.OPTION_MAPPING), S.PATHWAY_ASSESSMENT)).toBe(false);
    expect(hasEdge(state(S.CLOSED), S.OPTION_MAPPING)).toBe(false);
    expect(hasEdge(held(S.OPTIONS_DELIVERED), S.OPTION_MAPPING)).toBe(false);
  });

  test("CLOSED has no guard", () => {
    expect(planTransition(state(S.OPTIONS_DELIVERED), S.CLOSED, EMPTY, null)).toEqual({ ok: true, next: state(S.CLOSED) });
  });

  describe("PATHWAY_ASSESSMENT", () => {
    const from = state(S.TRANSLATION);
    const missingFor = (facts: GuardFacts) => {
      const plan = planTransition(from, S.PATHWAY_ASSESSMENT, facts, null);
      return plan.ok ? null : { reason: plan.reason, missing: sorted(plan.missing) };
    };

    test.each([
      ["no ready translation", { translationReady: false }, ["PUBLISHED_TRANSLATION"]],
      ["consent not covering accepted reviewers", { consentCoversAcceptedReviewers: false }, ["ACTIVE_CONSENT"]],
      ["no accepted reviewer", { acceptedReviewerCount: 0 }, ["ACCEPTED_REVIEWER"]],
      ["translation and consent", { translationReady: false, consentCoversAcceptedReviewers: false }, ["ACTIVE_CONSENT", "PUBLISHED_TRANSLATION"]],
      ["translation and reviewer", { translationReady: false, acceptedReviewerCount: 0 }, ["ACCEPTED_REVIEWER", "PUBLISHED_TRANSLATION"]],
      ["consent and reviewer", { consentCoversAcceptedReviewers: false, acceptedReviewerCount: 0 }, ["ACCEPTED_REVIEWER", "ACTIVE_CONSENT"]],
      [
        "all three",
        { translationReady: false, consentCoversAcceptedReviewers: false, acceptedReviewerCount: 0 },
        ["ACCEPTED_REVIEWER", "ACTIVE_CONSENT", "PUBLISHED_TRANSLATION"],
      ],
    ] as [string, Partial<GuardFacts>, Requirement[]][])("missing %s lists every missing requirement", (_name, change, expected) => {
      expect(missingFor({ ...FULL, ...change })).toEqual({ reason: "GUARD", missing: expected });
    });

    test("the other steps' facts do not matter", () => {
      expect(missingFor({ ...EMPTY, translationReady: true, consentCoversAcceptedReviewers: true, acceptedReviewerCount: 1 })).toBeNull();
    });

    test("lists each missing requirement once", () => {
      const plan = planTransition(from, S.PATHWAY_ASSESSMENT, EMPTY, null);
      expect(plan.ok).toBe(false);
      if (!plan.ok) expect(new Set(plan.missing).size).toBe(plan.missing.length);
    });
  });

  test("a guard is never checked on an edge the diagram lacks (skipping a step is NO_SUCH_EDGE, not GUARD)", () => {
    expect(planTransition(state(S.RECORDS_COLLECTION), S.TRANSLATION, EMPTY, null)).toEqual({ ok: false, reason: "NO_SUCH_EDGE", missing: [] });
    expect(planTransition(state(S.OPTION_MAPPING), S.PATHWAY_ASSESSMENT, EMPTY, null)).toEqual({ ok: false, reason: "NO_SUCH_EDGE", missing: [] });
    expect(planTransition(state(S.RECORDS_COLLECTION), S.CLOSED, FULL, null)).toEqual({ ok: false, reason: "NO_SUCH_EDGE", missing: [] });
  });
});

describe("ON_HOLD", () => {
  test.each(ACTIVE_STATUSES)("from %s with a note is allowed, whatever the guards, and records heldFrom", (from) => {
    expect(planTransition(state(from), S.ON_HOLD, EMPTY, "waiting for the pathology slides")).toEqual({
      ok: true,
      next: { status: S.ON_HOLD, heldFrom: from },
    });
  });

  test.each(ACTIVE_STATUSES.flatMap((from) => [null, "", "   ", "\n\t "].map((note) => [from, note] as const)))(
    "from %s with note %j needs a note",
    (from, note) => {
      expect(planTransition(state(from), S.ON_HOLD, FULL, note)).toEqual({ ok: false, reason: "NOTE_REQUIRED", missing: [] });
    },
  );

  test.each([S.CLOSED, S.WITHDRAWN])("from %s is not an edge, even with a note", (from) => {
    expect(planTransition(state(from), S.ON_HOLD, FULL, "a note")).toEqual({ ok: false, reason: "NO_SUCH_EDGE", missing: [] });
    expect(planTransition(state(from), S.ON_HOLD, FULL, null)).toEqual({ ok: false, reason: "NO_SUCH_EDGE", missing: [] });
  });

  test.each(ACTIVE_STATUSES)("a case already on hold (from %s) cannot be put on hold again", (heldFrom) => {
    expect(planTransition(held(heldFrom), S.ON_HOLD, FULL, "again")).toEqual({ ok: false, reason: "NO_SUCH_EDGE", missing: [] });
  });

  describe("resuming", () => {
    test.each(ACTIVE_STATUSES)("to heldFrom %s is allowed with its guard met, and clears heldFrom", (heldFrom) => {
      expect(planTransition(held(heldFrom), heldFrom, FULL, null)).toEqual({ ok: true, next: { status: heldFrom, heldFrom: null } });
      expect(planTransition(held(heldFrom), heldFrom, ONLY_FOR[heldFrom], null)).toEqual({ ok: true, next: { status: heldFrom, heldFrom: null } });
    });

    test.each(ACTIVE_STATUSES)("to heldFrom %s checks that status's guard again", (heldFrom) => {
      const plan = planTransition(held(heldFrom), heldFrom, EMPTY, null);
      const expected = EXPECTED_REQUIREMENTS[heldFrom];
      if (expected.length === 0) {
        expect(plan).toEqual({ ok: true, next: { status: heldFrom, heldFrom: null } });
      } else {
        expect(plan.ok).toBe(false);
        if (!plan.ok) {
          expect(plan.reason).toBe("GUARD");
          expect(sorted(plan.missing)).toEqual(sorted(expected));
        }
      }
    });

    test("after consent was revoked, a case held from PATHWAY_ASSESSMENT resumes only once consent covers the reviewers again", () => {
      expect(planTransition(held(S.PATHWAY_ASSESSMENT), S.PATHWAY_ASSESSMENT, { ...FULL, consentCoversAcceptedReviewers: false }, null)).toEqual({
        ok: false,
        reason: "GUARD",
        missing: ["ACTIVE_CONSENT"],
      });
    });

    test.each(ACTIVE_STATUSES)("only to heldFrom %s: every other active status is NO_SUCH_EDGE", (heldFrom) => {
      for (const to of ACTIVE_STATUSES.filter((s) => s !== heldFrom)) {
        expect(planTransition(held(heldFrom), to, FULL, "resume")).toEqual({ ok: false, reason: "NO_SUCH_EDGE", missing: [] });
      }
      expect(planTransition(held(heldFrom), S.CLOSED, FULL, null)).toEqual({ ok: false, reason: "NO_SUCH_EDGE", missing: [] });
    });

    test("a hold with no heldFrom resumes nowhere (but can still be withdrawn)", () => {
      for (const to of ALL_STATUSES.filter((s) => s !== S.WITHDRAWN)) {
        expect(hasEdge(state(S.ON_HOLD, null), to)).toBe(false);
      }
      expect(planTransition(state(S.ON_HOLD, null), S.WITHDRAWN, EMPTY, null)).toEqual({ ok: true, next: state(S.WITHDRAWN) });
    });
  });
});

describe("WITHDRAWN", () => {
  test.each(ACTIVE_STATUSES)("from %s is allowed without a note and whatever the guards", (from) => {
    expect(planTransition(state(from), S.WITHDRAWN, EMPTY, null)).toEqual({ ok: true, next: { status: S.WITHDRAWN, heldFrom: null } });
  });

  test.each(ACTIVE_STATUSES)("from ON_HOLD (held from %s) is allowed and clears heldFrom", (heldFrom) => {
    expect(planTransition(held(heldFrom), S.WITHDRAWN, EMPTY, null)).toEqual({ ok: true, next: { status: S.WITHDRAWN, heldFrom: null } });
  });

  test.each([S.CLOSED, S.WITHDRAWN])("from %s is refused", (from) => {
    expect(planTransition(state(from), S.WITHDRAWN, FULL, "please")).toEqual({ ok: false, reason: "NO_SUCH_EDGE", missing: [] });
  });
});

describe("terminal statuses", () => {
  test.each([S.CLOSED, S.WITHDRAWN])("nothing leaves %s", (from) => {
    for (const to of ALL_STATUSES) {
      expect(hasEdge(state(from), to)).toBe(false);
      expect(planTransition(state(from), to, FULL, "a note")).toEqual({ ok: false, reason: "NO_SUCH_EDGE", missing: [] });
    }
  });
});

describe("no status moves to itself", () => {
  test.each(ALL_STATUSES.filter((s) => s !== S.ON_HOLD))("%s to itself", (status) => {
    expect(planTransition(state(status), status, FULL, "a note")).toEqual({ ok: false, reason: "NO_SUCH_EDGE", missing: [] });
  });
});

describe("optionsFrozen", () => {
  const FROZEN = [state(S.OPTIONS_DELIVERED), state(S.CLOSED), held(S.OPTIONS_DELIVERED)];
  const OPEN = [
    ...[S.RECORDS_COLLECTION, S.CASE_ORGANISATION, S.TRANSLATION, S.PATHWAY_ASSESSMENT, S.OPTION_MAPPING].flatMap((s) => [state(s), held(s)]),
  ];
  test.each(FROZEN.map((st) => [`${st.status}/${st.heldFrom}`, st] as const))("%s: delivered options are frozen", (_label, st) => {
    expect(optionsFrozen(st)).toBe(true);
  });
  test.each(OPEN.map((st) => [`${st.status}/${st.heldFrom}`, st] as const))("%s: options may change", (_label, st) => {
    expect(optionsFrozen(st)).toBe(false);
  });
});

describe("transitionOptions", () => {
  const FROM_STATES: CaseState[] = [
    ...(Object.keys(EXPECTED_EDGES) as CaseStatus[]).map((s) => state(s)),
    ...(Object.keys(EXPECTED_EDGES_FROM_HOLD) as CaseStatus[]).map((s) => held(s)),
  ];
  const expectedTargets = (from: CaseState) =>
    from.status === S.ON_HOLD ? EXPECTED_EDGES_FROM_HOLD[from.heldFrom!] : EXPECTED_EDGES[from.status as Exclude<CaseStatus, CaseStatus.ON_HOLD>];

  test.each(FROM_STATES.map((from) => [`${from.status}/${from.heldFrom}`, from] as const))("%s: every edge, each with exactly what planTransition answers", (_label, from) => {
    for (const facts of [EMPTY, FULL, ...Object.values(ONLY_FOR)]) {
      const options = transitionOptions(from, facts);
      expect(sorted(options.map((o) => o.to))).toEqual(sorted(expectedTargets(from)));
      for (const option of options) {
        const plan = planTransition(from, option.to, facts, "a reason");
        expect(plan.ok ? [] : plan.missing).toEqual(option.missing);
        expect(option.missing.length === 0).toBe(plan.ok);
      }
    }
  });
});
