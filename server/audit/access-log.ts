import { AccessKind, Language, Role } from "../common/enums.js";

/**
 * What a patient reads in their access log: who opened or changed their file, in plain
 * words, in their language. Pure: the query is in access-log.service.ts.
 */

/** A read of the file that comes within this many minutes of the same person's previous read folds into that entry. */
export const ACCESS_LOG_FOLD_MINUTES = 15;

/**
 * Every action the audit trail records, and how the patient's access log shows it (null:
 * not shown). The review team's working steps (comments, proposed options and their
 * status, invitation answers) are hidden, as their events are from the patient
 * (policy.ts visibleEventTypes); account actions name no patient. A new audit action
 * must be placed here (AuditAction is this table's keys), so none slips into a
 * patient's log, or out of it, unnoticed.
 */
export const ACCESS_KIND_OF_ACTION = {
  READ_CASE: AccessKind.VIEWED_FILE,
  READ_PATIENT: AccessKind.VIEWED_FILE,
  DOWNLOAD_DOCUMENT: AccessKind.DOWNLOADED_DOCUMENT,
  CREATE_PATIENT: AccessKind.CREATED_FILE,
  UPDATE_PATIENT: AccessKind.CHANGED_DETAILS,
  OPEN_CASE: AccessKind.STARTED_CASE,
  TRANSITION_CASE: AccessKind.MOVED_CASE,
  ADD_RECORD: AccessKind.ADDED_RECORD,
  UPLOAD_DOCUMENT: AccessKind.UPLOADED_DOCUMENT,
  SHARE_RECORD: AccessKind.SHARED_RECORD,
  UPDATE_RECORD: AccessKind.CHANGED_RECORD,
  UNSHARE_RECORD: AccessKind.UNSHARED_RECORD,
  PUBLISH_SUMMARY: AccessKind.CHANGED_SUMMARY,
  INVITE_REVIEWER: AccessKind.INVITED_REVIEWER,
  REINVITE_REVIEWER: AccessKind.INVITED_REVIEWER,
  SUBMIT_REVIEW: AccessKind.SUBMITTED_OPINION,
  RECORD_CONSENT: AccessKind.RECORDED_CONSENT,
  REVOKE_CONSENT: AccessKind.REVOKED_CONSENT,
  EXPORT_FILE: AccessKind.EXPORTED_FILE,
  DOWNLOAD_EXPORT: AccessKind.DOWNLOADED_FILE,
  REQUEST_ERASURE: AccessKind.REQUESTED_ERASURE,
  // Nobody reads the log of an erased patient; retention runs without an actor.
  ERASE_PATIENT: null,
  ERASE_CASE: null,
  // A legal hold may concern proceedings the patient is not told of here.
  PLACE_LEGAL_HOLD: null,
  LIFT_LEGAL_HOLD: null,
  ADD_COMMENT: null,
  WITHDRAW_COMMENT: null,
  PROPOSE_OPTION: null,
  SET_OPTION_STATUS: null,
  UPDATE_OPTION: null,
  CANCEL_INVITATION: null,
  ACCEPT_INVITATION: null,
  DECLINE_INVITATION: null,
  LOGIN: null,
  CREATE_USER: null,
  UPDATE_REVIEWER: null,
  ISSUE_INVITATION: null,
  ACTIVATE_ACCOUNT: null,
  BACKUP: null,
  REQUEST_PASSWORD_RESET: null,
  RESET_PASSWORD: null,
  CHANGE_PASSWORD: null,
} as const satisfies Record<string, AccessKind | null>;

export type AuditAction = keyof typeof ACCESS_KIND_OF_ACTION;

const ACTIONS = Object.keys(ACCESS_KIND_OF_ACTION) as AuditAction[];

/** The audit actions a patient's access log shows. */
export const SHOWN_ACTIONS: readonly AuditAction[] = ACTIONS.filter((action) => ACCESS_KIND_OF_ACTION[action] !== null);

/** Reads fold (repeats within ACCESS_LOG_FOLD_MINUTES make one entry) and the patient's own are left out; every change is its own entry. */
export const READ_ACTIONS: readonly AuditAction[] = ACTIONS.filter((action) => ACCESS_KIND_OF_ACTION[action] === AccessKind.VIEWED_FILE);

export function accessKindOf(action: string): AccessKind | null {
  return Object.prototype.hasOwnProperty.call(ACCESS_KIND_OF_ACTION, action) ? ACCESS_KIND_OF_ACTION[action as AuditAction] : null;
}

export interface AccessActor {
  /** Null when the account is gone. */
  name: string | null;
  role: Role;
  /** Reviewers only. */
  institution: string | null;
  country: string | null;
  /** The patient whose log this is. */
  isPatient: boolean;
}

interface Wording {
  kinds: Record<AccessKind, string>;
  roles: Record<Role, string>;
  you: string;
  formerUser: string;
  actor(name: string, details: string[]): string;
  sentence(actor: string, what: string, count: number): string;
}

const WORDING: Record<Language, Wording> = {
  [Language.EN]: {
    kinds: {
      [AccessKind.VIEWED_FILE]: "opened your file",
      [AccessKind.DOWNLOADED_DOCUMENT]: "downloaded one of your documents",
      [AccessKind.CREATED_FILE]: "created your file",
      [AccessKind.CHANGED_DETAILS]: "changed your details",
      [AccessKind.STARTED_CASE]: "opened a new case for you",
      [AccessKind.MOVED_CASE]: "changed the status of your case",
      [AccessKind.ADDED_RECORD]: "added a medical record to your file",
      [AccessKind.UPLOADED_DOCUMENT]: "uploaded a document to your file",
      [AccessKind.SHARED_RECORD]: "shared a record, with your identifiers removed, with your reviewers",
      [AccessKind.CHANGED_RECORD]: "renamed or reclassified one of your medical records",
      [AccessKind.UNSHARED_RECORD]: "stopped sharing one of your records with your reviewers",
      [AccessKind.CHANGED_SUMMARY]: "changed your clinical summary",
      [AccessKind.INVITED_REVIEWER]: "invited a reviewer to your case",
      [AccessKind.SUBMITTED_OPINION]: "submitted their opinion on your case",
      [AccessKind.RECORDED_CONSENT]: "recorded your consent",
      [AccessKind.REVOKED_CONSENT]: "withdrew your consent",
      [AccessKind.EXPORTED_FILE]: "prepared a copy of your whole file",
      [AccessKind.DOWNLOADED_FILE]: "downloaded a copy of your whole file",
      [AccessKind.REQUESTED_ERASURE]: "asked for your file to be erased",
    },
    roles: { [Role.ADMIN]: "administrator", [Role.COORDINATOR]: "coordinator", [Role.REVIEWER]: "reviewer", [Role.PATIENT]: "patient" },
    you: "You",
    formerUser: "A former user",
    actor: (name, details) => `${name} (${details.join(", ")})`,
    sentence: (actor, what, count) => `${actor} ${what}${count > 1 ? ` ${count} times` : ""}`,
  },
  [Language.ZH]: {
    kinds: {
      [AccessKind.VIEWED_FILE]: "查看了您的档案",
      [AccessKind.DOWNLOADED_DOCUMENT]: "下载了您的一份文件",
      [AccessKind.CREATED_FILE]: "创建了您的档案",
      [AccessKind.CHANGED_DETAILS]: "更改了您的个人信息",
      [AccessKind.STARTED_CASE]: "为您新建了一个病例",
      [AccessKind.MOVED_CASE]: "更改了您病例的状态",
      [AccessKind.ADDED_RECORD]: "在您的档案中添加了一份病历",
      [AccessKind.UPLOADED_DOCUMENT]: "向您的档案上传了一份文件",
      [AccessKind.SHARED_RECORD]: "与您的审阅专家共享了一份已去除您身份信息的病历",
      [AccessKind.CHANGED_RECORD]: "修改了您一份病历的标题或类别",
      [AccessKind.UNSHARED_RECORD]: "停止与您的审阅专家共享您的一份病历",
      [AccessKind.CHANGED_SUMMARY]: "更新了您的临床摘要",
      [AccessKind.INVITED_REVIEWER]: "邀请了一位审阅专家审阅您的病例",
      [AccessKind.SUBMITTED_OPINION]: "提交了对您病例的意见",
      [AccessKind.RECORDED_CONSENT]: "记录了您的同意",
      [AccessKind.REVOKED_CONSENT]: "撤回了您的同意",
      [AccessKind.EXPORTED_FILE]: "准备了您完整档案的副本",
      [AccessKind.DOWNLOADED_FILE]: "下载了您完整档案的副本",
      [AccessKind.REQUESTED_ERASURE]: "要求删除您的档案",
    },
    roles: { [Role.ADMIN]: "管理员", [Role.COORDINATOR]: "协调员", [Role.REVIEWER]: "审阅专家", [Role.PATIENT]: "患者" },
    you: "您",
    formerUser: "一位已停用的用户",
    actor: (name, details) => `${name}（${details.join("，")}）`,
    sentence: (actor, what, count) => `${actor}${what}${count > 1 ? `${count}次` : ""}`,
  },
};

/**
 * The entry in plain words, in the patient's language: `actorName` (or that the account
 * is gone), `action` what was done ("opened your file"), `description` who did it and
 * how often, e.g. "Dr Wang (reviewer, Shanghai Cancer Center, CN) opened your file 3 times".
 */
export function describeAccess(kind: AccessKind, language: Language, actor: AccessActor, count: number): { actorName: string; action: string; description: string } {
  const words = WORDING[language];
  const actorName = actor.name ?? words.formerUser;
  const details = [words.roles[actor.role], ...(actor.role === Role.REVIEWER ? [actor.institution, actor.country].filter((d): d is string => !!d) : [])];
  const who = actor.isPatient ? words.you : words.actor(actorName, details);
  const action = words.kinds[kind];
  return { actorName, action, description: words.sentence(who, action, count) };
}
