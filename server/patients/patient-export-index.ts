import { Language } from "../common/enums.js";

/** index.json of a patient's archive: everything in it, and where each document is. */
export interface PatientFile {
  format: string;
  exportedAt: string;
  patient: { id: string; fullName: string; email: string; dateOfBirth: string; healthCardNumber: string | null; preferredLanguage: Language };
  cases: Array<{
    id: string;
    reference: string;
    status: string;
    openedAt: string;
    reason: string;
    records: Array<{ id: string; kind: string; title: string; language: string; documentDate: string | null; receivedAt: string; contentType: string | null; sizeBytes: number | null; sha256: string | null; document: string | null }>;
    summaries: Array<{ id: string; language: string; version: number; translationOfId: string | null; publishedAt: string; primaryCancer: string | null; histology: string | null; stage: string | null; biomarkers: Array<{ name: string; result: string }>; ecogPerformanceStatus: number | null; treatmentHistory: string | null; currentPlan: string | null; questionsForReviewers: string[] }>;
    options: Array<{ id: string; kind: string; title: string; description: string; evidence: string | null; eligibility: string | null; complexity: string }>;
    events: Array<{ id: string; type: string; at: string; fromStatus: string | null; toStatus: string | null; note: string | null }>;
  }>;
  consents: Array<{ id: string; scope: string; destinationCountries: string[]; grantedAt: string; revokedAt: string | null; attestedByCoordinator: boolean }>;
  accessLog: Array<{ id: string; kind: string; description: string; count: number; firstAt: string; lastAt: string }>;
}

interface Words {
  title: string;
  intro: string;
  you: string;
  name: string;
  email: string;
  dateOfBirth: string;
  healthCard: string;
  cases: string;
  openedOn: string;
  status: string;
  reason: string;
  records: string;
  noDocument: string;
  summaries: string;
  translation: string;
  summaryFields: Record<"primaryCancer" | "histology" | "stage" | "biomarkers" | "ecogPerformanceStatus" | "treatmentHistory" | "currentPlan" | "questionsForReviewers", string>;
  options: string;
  consents: string;
  consentLine: (countries: string, granted: string, revoked: string | null) => string;
  accessLog: string;
  none: string;
  machine: string;
}

const WORDS: Record<Language, Words> = {
  [Language.EN]: {
    title: "Your Meridian file",
    intro: "This is a copy of everything Meridian holds about you, made on",
    you: "About you",
    name: "Name",
    email: "Email",
    dateOfBirth: "Date of birth",
    healthCard: "Health card number",
    cases: "Your cases",
    openedOn: "opened on",
    status: "Status",
    reason: "Your question",
    records: "Your medical records",
    noDocument: "no document uploaded",
    summaries: "Clinical summaries",
    translation: "translation",
    summaryFields: {
      primaryCancer: "Cancer",
      histology: "Histology",
      stage: "Stage",
      biomarkers: "Biomarkers",
      ecogPerformanceStatus: "Performance status (ECOG)",
      treatmentHistory: "Treatment so far",
      currentPlan: "Current plan",
      questionsForReviewers: "Questions for the reviewers",
    },
    options: "Options presented to you",
    consents: "Your consents",
    consentLine: (countries, granted, revoked) => `Review by doctors in ${countries}, given on ${granted}${revoked ? `, withdrawn on ${revoked}` : ""}`,
    accessLog: "Who opened or changed your file",
    none: "None.",
    machine: "The same content, for computers, is in index.json; each document is in the documents folder.",
  },
  [Language.ZH]: {
    title: "您的 Meridian 档案",
    intro: "这是 Meridian 保存的关于您的全部信息的副本，生成于",
    you: "您的信息",
    name: "姓名",
    email: "电子邮箱",
    dateOfBirth: "出生日期",
    healthCard: "医疗卡号",
    cases: "您的病例",
    openedOn: "创建于",
    status: "状态",
    reason: "您的问题",
    records: "您的病历",
    noDocument: "尚未上传文件",
    summaries: "临床摘要",
    translation: "译本",
    summaryFields: {
      primaryCancer: "癌症",
      histology: "组织学",
      stage: "分期",
      biomarkers: "生物标志物",
      ecogPerformanceStatus: "体能状态（ECOG）",
      treatmentHistory: "既往治疗",
      currentPlan: "当前方案",
      questionsForReviewers: "给审阅专家的问题",
    },
    options: "向您呈现的方案",
    consents: "您的同意",
    consentLine: (countries, granted, revoked) => `同意由 ${countries} 的医生审阅，${granted} 给予${revoked ? `，${revoked} 撤回` : ""}`,
    accessLog: "谁查看或更改了您的档案",
    none: "无。",
    machine: "供计算机读取的相同内容见 index.json；各文件见 documents 文件夹。",
  },
};

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Every value in the page is text, never markup. */
export const escapeHtml = (value: unknown) => String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);

const day = (iso: string) => iso.slice(0, 10);

/** index.html: the archive in plain words, in the patient's language; every value escaped. */
export function renderIndexHtml(file: PatientFile): string {
  const language = file.patient.preferredLanguage;
  const w = WORDS[language] ?? WORDS[Language.EN];
  const e = escapeHtml;
  const list = (items: string[]) => (items.length ? `<ul>${items.map((i) => `<li>${i}</li>`).join("")}</ul>` : `<p>${e(w.none)}</p>`);
  const p = file.patient;
  const cases = file.cases.map((c) => {
    const records = c.records.map((r) => `${e(r.title)} (${e(r.documentDate ?? day(r.receivedAt))}): ${r.document ? `<a href="${e(r.document)}">${e(r.document)}</a>` : e(w.noDocument)}`);
    const summaries = c.summaries.map((s) => {
      const fields = (Object.keys(w.summaryFields) as Array<keyof Words["summaryFields"]>)
        .map((key) => {
          const value = s[key];
          const text = Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : `${v.name}: ${v.result}`)).join("; ") : value;
          return text === null || text === "" ? "" : `<dt>${e(w.summaryFields[key])}</dt><dd>${e(text)}</dd>`;
        })
        .join("");
      return `<h4>${e(s.language)} v${e(s.version)}${s.translationOfId ? ` (${e(w.translation)})` : ""}, ${e(day(s.publishedAt))}</h4><dl>${fields}</dl>`;
    });
    const options = c.options.map((o) => `<strong>${e(o.title)}</strong>: ${e(o.description)}`);
    return `<section><h3>${e(c.reference)}, ${e(w.openedOn)} ${e(day(c.openedAt))}</h3>
<p>${e(w.status)}: ${e(c.status)}</p><p>${e(w.reason)}: ${e(c.reason)}</p>
<h4>${e(w.records)}</h4>${list(records)}
<h4>${e(w.summaries)}</h4>${summaries.length ? summaries.join("") : `<p>${e(w.none)}</p>`}
<h4>${e(w.options)}</h4>${list(options)}</section>`;
  });
  const consents = file.consents.map((k) => e(w.consentLine(k.destinationCountries.join(", "), day(k.grantedAt), k.revokedAt ? day(k.revokedAt) : null)));
  const log = file.accessLog.map((a) => `${e(day(a.firstAt))}: ${e(a.description)}`);
  return `<!DOCTYPE html>
<html lang="${language === Language.ZH ? "zh" : "en"}"><head><meta charset="utf-8"><title>${e(w.title)}</title></head>
<body><h1>${e(w.title)}</h1><p>${e(w.intro)} ${e(day(file.exportedAt))}.</p><p>${e(w.machine)}</p>
<h2>${e(w.you)}</h2><dl><dt>${e(w.name)}</dt><dd>${e(p.fullName)}</dd><dt>${e(w.email)}</dt><dd>${e(p.email)}</dd><dt>${e(w.dateOfBirth)}</dt><dd>${e(p.dateOfBirth)}</dd>${p.healthCardNumber ? `<dt>${e(w.healthCard)}</dt><dd>${e(p.healthCardNumber)}</dd>` : ""}</dl>
<h2>${e(w.cases)}</h2>${cases.length ? cases.join("\n") : `<p>${e(w.none)}</p>`}
<h2>${e(w.consents)}</h2>${list(consents)}
<h2>${e(w.accessLog)}</h2>${list(log)}
</body></html>
`;
}
