import type { SummarySection } from "../common/enums.js";

/**
 * What a reply may answer, as pure rules: a thread is one comment and its replies, one level
 * deep, on one section of one case (the summary version may differ: a reviewer reading the
 * translation answers a comment made on the source). Returns the refused input field and why,
 * or null when the reply may be added.
 */
export interface ThreadComment {
  caseId: string;
  section: SummarySection;
  parentId: string | null;
  withdrawnAt: Date | null;
}

export function replyRefusal(parent: ThreadComment, reply: { caseId: string; section: SummarySection }): { field: string; message: string } | null {
  if (parent.caseId !== reply.caseId) return { field: "input.parentId", message: "No such comment on this case" };
  if (parent.withdrawnAt) return { field: "input.parentId", message: "That comment was withdrawn" };
  if (parent.parentId !== null) return { field: "input.parentId", message: "Reply to the comment that opened the thread" };
  if (parent.section !== reply.section) return { field: "input.section", message: `A reply is on the section of the comment it answers (${parent.section})` };
  return null;
}
