import { containsIdentifier, identifierPatterns, type PatientIdentifiers } from "../../server/auth/deidentify";
import { normalize } from "../../server/auth/identifier-text";

const margaret: PatientIdentifiers = {
  fullName: "Margaret Holloway",
  dateOfBirth: "1958-03-14",
  email: "m.holloway@example.org",
  healthCardNumber: "1234-567-890",
};

const patterns = identifierPatterns(margaret);
const leaks = (text: string) => containsIdentifier(text, patterns);
/** A matcher for a patient differing from Margaret in the given identifiers. */
const patient = (identifiers: Partial<PatientIdentifiers>) => {
  const list = identifierPatterns({ ...margaret, ...identifiers });
  return (text: string) => containsIdentifier(text, list);
};

describe("normalize", () => {
  test.each([
    ["ＨＯＬＬＯＷＡＹ", "holloway"], // full-width, NFKC
    ["𝐇𝐎𝐋𝐋𝐎𝐖𝐀𝐘", "holloway"], // mathematical bold, NFKC
    ["Hélène Côté", "helene cote"], // accents
    ["Ηοllοway", "holloway"], // Greek capital eta and omicrons
    ["Ноllоwау", "holloway"], // Cyrillic
    ["Hol\u00adlo\u200bway", "holloway"], // soft hyphen, zero-width space
    ["王小明 先生", "王小明 先生"], // Han is left alone (the confusables table maps 丁 or 山 to Latin letters)
    ["丁", "丁"],
    ["1961-03-05", "1961-03-05"],
  ])("%j gives %j", (text, expected) => {
    expect(normalize(text)).toBe(expected);
  });
});

describe("the full name", () => {
  test.each([
    "Patient Margaret Holloway presented with rectal bleeding.",
    "PATIENT: MARGARET HOLLOWAY",
    "Margaret\tHolloway",
    "Margaret\u00a0Holloway",
    "Margaret-Holloway",
    "M.a.r.g.a.r.e.t Holloway",
    "ＭＡＲＧＡＲＥＴ ＨＯＬＬＯＷＡＹ",
    "HOLLOWAY, Margaret",
    "Margarét Hollowày",
    "Маrgаrеt Ноllоwау", // Cyrillic look-alikes
  ])("%j", (text) => {
    expect(leaks(text)).toBe(true);
  });

  test("accents in the stored name are not needed in the text, nor the reverse", () => {
    const helene = patient({ fullName: "Hélène Côté" });
    expect(helene("Helene Cote, 66")).toBe(true);
    expect(helene("HÉLÈNE CÔTÉ")).toBe(true);
    expect(patient({ fullName: "Helene Cote" })("Hélène Côté")).toBe(true);
  });

  test("a middle name may be left out", () => {
    const mary = patient({ fullName: "Mary Ann Li" });
    expect(mary("Mary Ann Li")).toBe(true);
    expect(mary("Mary Li")).toBe(true);
    expect(mary("Li, Mary")).toBe(true);
    expect(mary("Ann reports fatigue")).toBe(false);
  });

  test("a hyphenated surname is one surname", () => {
    const smithJones = patient({ fullName: "Mary Ann Smith-Jones" });
    expect(smithJones("seen by smith jones")).toBe(true);
    expect(smithJones("Mrs Smith-Jones")).toBe(true);
    expect(smithJones("Mary reports fatigue")).toBe(false);
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
    "Hol\u00adloway",
    "Hollo\u200bway",
    "𝐇𝐎𝐋𝐋𝐎𝐖𝐀𝐘",
    "Ηοllοway",
  ])("%j", (text) => {
    expect(leaks(text)).toBe(true);
  });

  test("the first name alone is not an identifier", () => {
    expect(leaks("Margaret reports fatigue.")).toBe(false);
  });

  test("a surname of four to six letters is caught as a whole word, not inside other words", () => {
    const hall = patient({ fullName: "Peter Hall" });
    expect(hall("Discussed with Hall's daughter")).toBe(true);
    expect(hall("Shallow ulcer, hallmark features.")).toBe(false);
  });
});

describe("a short surname after a title", () => {
  const weiLi = patient({ fullName: "Wei Li", email: "wl@example.cn" });

  test.each(["Mr Li", "Mr. Li", "Mrs Li", "Ms Li", "Miss Li", "Mme Li", "Mlle Li", "M. Li", "Dr Li", "Prof. Li", "MR LI", "Monsieur Li", "Li 先生", "Li女士", "Mr Wei"])("%j", (text) => {
    expect(weiLi(`Plan discussed with ${text} today.`)).toBe(true);
  });

  test.each(["Wei Li", "WEI LI", "wei-li", "weili", "Li Wei", "LI, Wei"])("the full short name %j", (text) => {
    expect(weiLi(`Patient ${text}, 55`)).toBe(true);
  });

  test.each([
    "Liver metastases, segment VII. Weight loss of 5 kg.",
    "Li-Fraumeni syndrome excluded.",
    "TP53 germline testing (Li-Fraumeni).",
    "Dr Lina Chen reviewed the slides", // a title followed by another word starting with the surname
    "Mr Lipman",
    "Li is a chemical symbol; lithium was stopped.",
    "Wei is a common given name.",
  ])("not %j", (text) => {
    expect(weiLi(text)).toBe(false);
  });

  test("an initial is no surname: Dr J is not J Smith", () => {
    const smith = patient({ fullName: "J Smith" });
    expect(smith("Reviewed with Dr J. and Dr K.")).toBe(false);
    expect(smith("Mr Smith")).toBe(true);
  });

  test("Wu, Ng and Lee: after a title or in the full name only", () => {
    const wu = patient({ fullName: "Ming Wu" });
    const ng = patient({ fullName: "Kai Ng" });
    const lee = patient({ fullName: "Ann Lee" });
    expect(wu("Mrs Wu")).toBe(true);
    expect(ng("Ms. Ng")).toBe(true);
    expect(lee("Mr Lee")).toBe(true);
    expect(lee("Ann Lee")).toBe(true);
    expect(wu("Wu et al. 2019 showed a benefit")).toBe(false);
    expect(ng("CEA 4.2 ng/mL; NGS panel negative")).toBe(false);
    expect(lee("The patient was asleep during the procedure; Lee-Jones criteria.")).toBe(false);
  });
});

describe("Chinese names", () => {
  const wang = patient({ fullName: "王小明" });
  const liNa = patient({ fullName: "李娜" });
  const ouyang = patient({ fullName: "欧阳修" });
  const both = patient({ fullName: "Wang Xiaoming 王小明" });

  test.each(["患者王小明，男，62岁", "王 小 明", "王·小明", "王先生", "王 先生", "王女士", "王小姐", "Mr 王", "ＭＲ 王"])("王小明: %j", (text) => {
    expect(wang(text)).toBe(true);
  });

  test.each(["李娜", "患者李娜", "李女士", "李小姐", "李先生"])("李娜: %j", (text) => {
    expect(liNa(text)).toBe(true);
  });

  test("a compound surname (欧阳) after a title", () => {
    expect(ouyang("欧阳先生")).toBe(true);
    expect(ouyang("欧阳修")).toBe(true);
  });

  test("a name in both scripts is caught in both", () => {
    for (const text of ["Xiaoming Wang", "Mr Wang", "WANG, Xiaoming", "王先生", "王小明"]) expect({ text, leaks: both(text) }).toEqual({ text, leaks: true });
  });

  test.each(["行李已寄出", "李子", "张先生陪同就诊", "王者", "小明", "非小细胞肺癌，腺癌", "先生", "患者女士，62岁"])("not %j", (text) => {
    expect(wang(text) || liNa(text)).toBe(false);
  });
});

describe("the date of birth", () => {
  const born = patient({ dateOfBirth: "1961-03-05" });

  test.each([
    "1961-03-05",
    "1961-3-5",
    "1961/03/05",
    "1961.3.5",
    "1961 03 05",
    "19610305",
    "05/03/1961",
    "5/3/1961",
    "5.3.1961",
    "05-03-1961",
    "05031961",
    "03/05/1961",
    "3/5/1961",
    "03051961",
    "5/3/61",
    "05.03.61",
    "3/5/61",
    "61-03-05",
    "March 5, 1961",
    "March 5th, 1961",
    "Mar 5 1961",
    "Mar. 5, '61",
    "5 Mar 1961",
    "5 March 1961",
    "5th of March 1961",
    "05-MAR-1961",
    "05MAR1961",
    "1961-Mar-05",
    "5 mars 1961",
    "le 5 mars 1961",
    "1961年3月5日",
    "1961年03月05日",
    "1961 年 3 月 5 日",
    "１９６１年３月５日",
    "1961年3月5号",
  ])("%j", (text) => {
    expect(born(`DOB ${text}.`)).toBe(true);
  });

  test("French and English month names come from ICU, abbreviations and accents included", () => {
    const february = patient({ dateOfBirth: "1975-02-01" });
    for (const text of ["1er février 1975", "1 févr. 1975", "1 fevrier 1975", "February 1st, 1975", "Feb 1, 1975"]) expect({ text, leaks: february(text) }).toEqual({ text, leaks: true });
    const september = patient({ dateOfBirth: "1980-09-12" });
    for (const text of ["12 Sept 1980", "Sep 12, 1980", "12 septembre 1980", "12 sept. 1980", "September 12, 1980"]) expect({ text, leaks: september(text) }).toEqual({ text, leaks: true });
  });

  test.each([
    "Born in 1961.",
    "March 1961",
    "5 March 2024",
    "15/03/1961",
    "5/3/1962",
    "05/03/19612",
    "1961-03-051",
    "119610305",
    "5 3 61", // a two-digit year needs punctuation between the numbers
    "ECOG 1, 5 cycles of 3 weeks, 61 kg",
    "Stage 5, dose 3 mg, 1961 mL",
    "5361",
    "marsh 5 1961",
    "1961年3月15日",
  ])("not %j", (text) => {
    expect(born(text)).toBe(false);
  });
});

describe("the health card number", () => {
  test.each(["HCN 1234-567-890", "1234567890", "1234 567 890", "card no. 1234.567.890", "(1234) 567-890", "health card #1234567890.", "HCN1234567890"])("%j", (text) => {
    expect(leaks(text)).toBe(true);
  });

  test("with or without separators and version code (Ontario)", () => {
    const ontario = patient({ healthCardNumber: "1234-567-890-AB" });
    for (const text of ["1234-567-890-AB", "1234567890", "1234 567 890 ab", "1234567890AB", "1234-567-890"]) expect({ text, leaks: ontario(text) }).toEqual({ text, leaks: true });
    const stored = patient({ healthCardNumber: "9876543210" });
    expect(stored("HCN 9876-543-210")).toBe(true);
    expect(stored("HCN 9876 543 210 XY")).toBe(true);
  });

  test("letters at the start are part of the number (Québec style)", () => {
    const quebec = patient({ healthCardNumber: "HOLM 5803 1415" });
    expect(quebec("RAMQ holm-5803-1415")).toBe(true);
    expect(quebec("58031415")).toBe(false);
  });

  test.each(["HCN 1234-567-891", "12345678901", "01234567890", "1234-567"])("not %j", (text) => {
    expect(patient({ healthCardNumber: "1234-567-890-AB" })(text)).toBe(false);
  });

  test("without a health card number nothing matches everything", () => {
    expect(patient({ healthCardNumber: null })("Stage III adenocarcinoma of the colon.")).toBe(false);
  });
});

describe("the email", () => {
  test.each(["Contact: m.holloway@example.org", "M.Holloway @ Example.ORG", "reach her at mholloway (at) example dot org"])("%j", (text) => {
    expect(leaks(text)).toBe(true);
  });

  test("the local part alone, when it is not simply the surname", () => {
    const peggy = patient({ email: "peggy.h58@example.org" });
    expect(peggy("user peggy_h58 on the forum")).toBe(true);
    expect(peggy("PEGGY-H58@EXAMPLE.ORG")).toBe(true);
  });

  test("a plain, short local part is not an identifier on its own (patient@... must not forbid the word patient)", () => {
    const pat = patient({ fullName: "Pat Demo", email: "patient@demo.meridian" });
    expect(pat("The patient tolerated chemotherapy well")).toBe(false);
    expect(pat("write to patient@demo.meridian")).toBe(true);
  });
});

describe("ordinary clinical text", () => {
  test.each([
    "A woman in her sixties with stage III (T3 N1 M0) adenocarcinoma of the rectum.",
    "ECOG 1. KRAS G12D mutated, MSS. Completed FOLFOX x 6 cycles in 2024.",
    "Capecitabine 1000 mg/m2 twice daily, days 1-14, every 21 days; 3/5 cycles given.",
    "CT 14/03/2024: no progression. PET 2024-03-05.",
    "Ki-67 30 %, ER 90 %, PR 5 %, HER2 1+.",
    "请重点关注 EGFR 结果。非小细胞肺癌，cT2a N1 M0。",
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

test("an empty pattern list matches nothing", () => {
  expect(containsIdentifier("Margaret Holloway 1958-03-14", [])).toBe(false);
});
