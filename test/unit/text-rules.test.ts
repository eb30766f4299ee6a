import { cleanText, textKindOf } from "../../server/common/text-rules";
import { BadUserInputError } from "../../server/errors";

const refusal = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error instanceof BadUserInputError ? { field: error.field } : { unexpected: error };
  }
  return undefined;
};

describe("text rules", () => {
  test("names and single-line fields refuse control characters, line breaks and bidirectional overrides", () => {
    for (const text of ["Ann\u0007", "Ann\u001B[31m", "Ann\u007F", "Ann\u0085", "Ann\nLee", "Ann\tLee", "\u202EeeL nnA", "Ann \u2066Lee\u2069", "Ann\u202D"]) {
      expect({ text, outcome: refusal(() => cleanText(text, "single-line", "input.fullName", true)) }).toEqual({ text, outcome: { field: "input.fullName" } });
    }
  });

  test("multi-line text keeps tab and line breaks, and refuses other controls and overrides", () => {
    expect(cleanText("Line one\n\tindented\r\nline three", "multiline", "input.body", true)).toBe("Line one\n\tindented\r\nline three");
    for (const text of ["bell\u0007", "esc\u001B[31m", "\u202Eevil"]) {
      expect(refusal(() => cleanText(text, "multiline", "input.body", true))).toEqual({ field: "input.body" });
    }
  });

  test("blank is empty: refused when required, null when optional; text is trimmed", () => {
    for (const blank of ["", "   ", "\u00A0\u3000", "\n\t "]) {
      expect(refusal(() => cleanText(blank, "multiline", "input.body", true))).toEqual({ field: "input.body" });
      expect(cleanText(blank, "multiline", "input.evidence", false)).toBeNull();
    }
    expect(cleanText("  Hélène Tremblay  ", "single-line", "input.fullName", true)).toBe("Hélène Tremblay");
  });

  test("secrets are taken exactly as typed", () => {
    expect(textKindOf("password")).toBe("secret");
    expect(cleanText("  spaced \u0007 secret  ", "secret", "password", true)).toBe("  spaced \u0007 secret  ");
    expect(refusal(() => cleanText("nul\u0000", "secret", "password", true))).toEqual({ field: "password" });
  });

  test("which fields are paragraphs", () => {
    expect(["body", "note", "reason", "currentPlan", "questionsForReviewers"].map(textKindOf)).toEqual(Array(5).fill("multiline"));
    expect(["fullName", "displayName", "title", "institution", "stage", "email"].map(textKindOf)).toEqual(Array(6).fill("single-line"));
  });
});
