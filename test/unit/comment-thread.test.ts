import { SummarySection } from "../../server/common/enums";
import { replyRefusal, type ThreadComment } from "../../server/comments/comment-thread";

/** A thread: one comment and its replies, one level deep, on one section of one case. */

const opener: ThreadComment = { caseId: "case-1", section: SummarySection.STAGE, parentId: null, withdrawnAt: null };

test("a reply on the same case and section answers the comment that opened the thread", () => {
  expect(replyRefusal(opener, { caseId: "case-1", section: SummarySection.STAGE })).toBeNull();
});

test("another section is refused on input.section, naming the thread's section", () => {
  expect(replyRefusal(opener, { caseId: "case-1", section: SummarySection.BIOMARKERS })).toEqual({
    field: "input.section",
    message: "A reply is on the section of the comment it answers (STAGE)",
  });
});

test("another case's comment is answered like a missing one", () => {
  expect(replyRefusal(opener, { caseId: "case-2", section: SummarySection.STAGE })).toEqual({ field: "input.parentId", message: "No such comment on this case" });
});

test("a withdrawn comment and a reply take no reply", () => {
  expect(replyRefusal({ ...opener, withdrawnAt: new Date() }, { caseId: "case-1", section: SummarySection.STAGE })?.field).toBe("input.parentId");
  expect(replyRefusal({ ...opener, parentId: "comment-0" }, { caseId: "case-1", section: SummarySection.STAGE })).toEqual({
    field: "input.parentId",
    message: "Reply to the comment that opened the thread",
  });
});
