import { containsIdentifier, identifyingFragments, type PatientIdentifiers } from "../../server/auth/deidentify";

const margaret: PatientIdentifiers = {
  fullName: "Margaret Holloway",
  dateOfBirth: "1958-03-14",
  email: "m.holloway@example.org",
  healthCardNumber: "1234-567-890",
};

const fragments = identifyingFragments(margaret);
const leaks = (text: string, f: string[] = fragments) => containsIdentifier(text, f);

describe("identifyingFragments", () => {
  test("gives the squashed full name, surname, email, its local part, the date of birth in three orders and the health card number", () => {
    expect([...fragments].sort()).toEqual(
      [
        "margaretholloway",
        "holloway",
        "mhollowayexampleorg",
        "mholloway",
        "19580314",
        "14031958",
        "03141958",
        "1234567890",
      ].sort(),
    );
  });

  test("has no duplicates and nothing shorter than 4 characters", () => {
    expect(new Set(fragments).size).toBe(fragments.length);
    for (const fragment of fragments) expect(fragment.length).toBeGreaterThanOrEqual(4);
  });

  test("without a health card number there is no empty fragment (which would match everything)", () => {
    const list = identifyingFragments({ ...margaret, healthCardNumber: null });
    expect(list).not.toContain("");
    expect(list).not.toContain("1234567890");
    expect(containsIdentifier("Stage III adenocarcinoma of the colon.", list)).toBe(false);
  });

  test("the first name alone is not a fragment; the surname of a multi-part name is", () => {
    expect(fragments).not.toContain("margaret");
    const list = identifyingFragments({ ...margaret, fullName: "Mary Ann Smith-Jones" });
    expect(list).toContain("smithjones");
    expect(list).toContain("maryannsmithjones");
    expect(list).not.toContain("mary");
  });

  test("a single-word name gives no separate surname", () => {
    const list = identifyingFragments({ ...margaret, fullName: "Madonna" });
    expect(list.sort()).toEqual(["madonna", "mhollowayexampleorg", "mholloway", "19580314", "14031958", "03141958", "1234567890"].sort());
  });

  test("short name parts are not used: Wei Li gives the full name but neither Wei nor Li", () => {
    const list = identifyingFragments({ fullName: "Wei Li", dateOfBirth: "1970-01-02", email: "wl@example.cn", healthCardNumber: null });
    expect(list).toContain("weili");
    expect(list).not.toContain("li");
    expect(list).not.toContain("wei");
    // "wl" (the email's local part) is too short as well.
    expect(list).not.toContain("wl");
  });

  test("extra spaces in the stored name change nothing", () => {
    expect(identifyingFragments({ ...margaret, fullName: "  Margaret   Holloway " }).sort()).toEqual([...fragments].sort());
  });
});

describe("containsIdentifier", () => {
  describe("the full name", () => {
    test.each([
      "Patient Margaret Holloway presented with rectal bleeding.",
      "PATIENT: MARGARET HOLLOWAY",
      "margaret holloway",
      "Margaret\tHolloway",
      "Margaret\nHolloway",
      "Margaret\u00a0Holloway",
      "Margaret-Holloway",
      "M.a.r.g.a.r.e.t Holloway",
      "ＭＡＲＧＡＲＥＴ ＨＯＬＬＯＷＡＹ",
    ])("%j", (text) => {
      expect(leaks(text)).toBe(true);
    });
  });

  describe("the surname", () => {
    test.each([
      "Seen by Dr X; Mrs Holloway reports fatigue.",
      "HOLLOWAY, M.",
      "holloway",
      "Hol-lo-way",
      "H o l l o w a y",
      "(Holloway)",
      "Hol\u00adloway", // soft hyphen, invisible when rendered
      "Hollo\u200bway", // zero-width space
      "𝐇𝐎𝐋𝐋𝐎𝐖𝐀𝐘", // mathematical bold capitals fold to ASCII capitals under NFKC
    ])("%j", (text) => {
      expect(leaks(text)).toBe(true);
    });
  });

  describe("the email", () => {
    test.each(["Contact: m.holloway@example.org", "M.Holloway @ Example.ORG", "reach her at mholloway (at) example dot org"])("%j", (text) => {
      expect(leaks(text)).toBe(true);
    });

    test("the local part alone, when it is not simply the surname", () => {
      const list = identifyingFragments({ ...margaret, email: "peggy.h58@example.org" });
      expect(containsIdentifier("user peggy_h58 on the forum", list)).toBe(true);
      expect(containsIdentifier("PEGGY-H58@EXAMPLE.ORG", list)).toBe(true);
    });
  });

  describe("the date of birth", () => {
    test.each([
      "DOB 1958-03-14",
      "born 1958/03/14",
      "19580314",
      "1958 03 14",
      "born 14/03/1958",
      "14.03.1958",
      "14-03-1958",
      "03/14/1958",
      "DOB: 03-14-1958",
    ])("%j", (text) => {
      expect(leaks(text)).toBe(true);
    });
  });

  describe("the health card number", () => {
    test.each(["HCN 1234-567-890", "1234567890", "1234 567 890", "card no. 1234.567.890", "(1234) 567-890", "health card #1234567890."])("%j", (text) => {
      expect(leaks(text)).toBe(true);
    });

    test("stored without separators, it is matched with them", () => {
      const list = identifyingFragments({ ...margaret, healthCardNumber: "9876543210" });
      expect(containsIdentifier("HCN 9876-543-210", list)).toBe(true);
      expect(containsIdentifier("HCN 9876 543 210", list)).toBe(true);
      expect(containsIdentifier("HCN 9876-543-211", list)).toBe(false);
    });
  });

  describe("text without identifiers", () => {
    test.each([
      "A woman in her sixties with stage III (T3 N1 M0) adenocarcinoma of the rectum.",
      "ECOG 1. KRAS G12D mutated, MSS. Completed FOLFOX x 6 cycles in 2024.",
      "Born in 1958.", // a year alone is not a date of birth
      "Margaret reports fatigue.", // a first name alone is not a fragment
      "14/03/2024",
      "1234-567",
      "",
    ])("%j", (text) => {
      expect(leaks(text)).toBe(false);
    });

    test("another patient's details do not match", () => {
      expect(leaks("Patient John Smith, DOB 1961-07-22, HCN 5555-666-777, j.smith@example.org")).toBe(false);
    });

    test("a date of birth one day off does not match", () => {
      expect(leaks("DOB 1958-03-15")).toBe(false);
      expect(leaks("15/03/1958")).toBe(false);
    });
  });

  describe("short names", () => {
    const weiLi = identifyingFragments({ fullName: "Wei Li", dateOfBirth: "1970-01-02", email: "wl@example.cn", healthCardNumber: null });

    test('"Li" does not match "liver", nor "Wei" "weight"', () => {
      expect(containsIdentifier("Liver metastases, segment VII. Weight loss of 5 kg.", weiLi)).toBe(false);
      expect(containsIdentifier("Dr Li reviewed the slides", weiLi)).toBe(false);
    });

    test("the full short name is still caught", () => {
      expect(containsIdentifier("Patient WEI LI, 55", weiLi)).toBe(true);
      expect(containsIdentifier("wei-li", weiLi)).toBe(true);
    });

    test("a three-letter surname is not used: Lee does not match asleep", () => {
      const annLee = identifyingFragments({ fullName: "Ann Lee", dateOfBirth: "1970-01-02", email: "al@example.ca", healthCardNumber: null });
      expect(annLee).not.toContain("lee");
      expect(containsIdentifier("The patient was asleep during the procedure.", annLee)).toBe(false);
      expect(containsIdentifier("Ann Lee", annLee)).toBe(true);
    });
  });

  test("an empty fragment list matches nothing", () => {
    expect(containsIdentifier("Margaret Holloway 1958-03-14", [])).toBe(false);
  });
});

test("a plain, short email local part is not an identifier on its own (patient@... must not forbid the word patient)", () => {
  const list = identifyingFragments({ fullName: "Pat Demo", dateOfBirth: "1961-04-12", email: "patient@demo.meridian", healthCardNumber: null });
  expect(containsIdentifier("The patient tolerated chemotherapy well", list)).toBe(false);
  expect(containsIdentifier("write to patient@demo.meridian", list)).toBe(true);
});
