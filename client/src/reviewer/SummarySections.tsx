import { useMutation } from "@apollo/client/react";
import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ReviewAddCommentDocument, ReviewCaseDocument, type ReviewCommentFragment, type ReviewSummaryTextFragment, type SummarySection } from "../generated/graphql";
import { describeError } from "../ui/errors";
import { useFormat } from "../ui/format";
import { htmlLang, SECTIONS, sectionText, type SummaryPair } from "./review-data";

/** One column of a section: its text in one language, marked with that language for screen readers. */
function SectionColumn({ summary, section, heading }: { summary: ReviewSummaryTextFragment; section: SummarySection; heading: string }) {
  const { t } = useTranslation();
  const lines = sectionText(summary, section, (value) => t(`summary.ecog.${value}`));
  return (
    <div>
      <Text size="xs" c="dimmed" mb={4}>
        {heading}
      </Text>
      {lines.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("review.summary.emptySection")}
        </Text>
      ) : (
        <Stack gap={4} lang={htmlLang(summary.language)}>
          {lines.map((line, index) => (
            <Text key={index} size="sm" style={{ whiteSpace: "pre-wrap" }}>
              {line}
            </Text>
          ))}
        </Stack>
      )}
    </div>
  );
}

/** A comment box that posts to the case on `section`, as a reply when `parentId` is given. */
function CommentForm({ caseId, summaryId, section, parentId, label, submitLabel, onDone }: {
  caseId: string;
  summaryId: string;
  section: SummarySection;
  parentId?: string;
  label: string;
  submitLabel: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [body, setBody] = useState("");
  const [add, adding] = useMutation(ReviewAddCommentDocument, { refetchQueries: [{ query: ReviewCaseDocument, variables: { id: caseId } }], awaitRefetchQueries: true });
  const submit = async () => {
    const result = await add({ variables: { input: { caseId, summaryId, section, body: body.trim(), parentId: parentId ?? null } } }).catch(() => null);
    if (result?.data) {
      setBody("");
      onDone();
    }
  };
  return (
    <Stack gap="xs">
      <Textarea label={label} value={body} onChange={(e) => setBody(e.currentTarget.value)} autosize minRows={2} data-autofocus />
      {adding.error && (
        <Alert color="red" role="alert">
          {describeError(t, adding.error)}
        </Alert>
      )}
      <Group justify="flex-end" gap="xs">
        <Button variant="default" onClick={onDone}>
          {t("common.cancel")}
        </Button>
        <Button onClick={() => void submit()} loading={adding.loading} disabled={!body.trim()}>
          {submitLabel}
        </Button>
      </Group>
    </Stack>
  );
}

function CommentItem({ comment, reply }: { comment: ReviewCommentFragment; reply: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Paper p="sm" bg="gray.0" ml={reply ? "xl" : 0} data-comment-id={comment.id} component="article" aria-label={t(reply ? "review.comments.replyBy" : "review.comments.by", { author: comment.authorName })}>
      <Group gap="xs">
        <Text size="sm" fw={600}>
          {comment.authorName}
        </Text>
        <Text size="xs" c="dimmed">
          {t("review.comments.meta", {
            date: format.dateTime(comment.createdAt),
            language: t(`languageName.${comment.summary.language}`),
            version: comment.summary.version,
          })}
        </Text>
      </Group>
      {comment.withdrawn ? (
        <Text size="sm" mt={4} c="dimmed" fs="italic">
          {t("review.comments.withdrawn")}
        </Text>
      ) : (
        <Text size="sm" mt={4} style={{ whiteSpace: "pre-wrap" }}>
          {comment.body}
        </Text>
      )}
    </Paper>
  );
}

/** A section's threads: each comment that opens one, its replies beneath it, and a reply box. */
function Threads({ caseId, summaryId, section, comments, canComment }: { caseId: string; summaryId: string; section: SummarySection; comments: ReviewCommentFragment[]; canComment: boolean }) {
  const { t } = useTranslation();
  const [replyingTo, setReplyingTo] = useState<string | null>(null);
  const ids = new Set(comments.map((c) => c.id));
  const openers = comments.filter((c) => !c.parent || !ids.has(c.parent.id));
  if (openers.length === 0) return null;
  return (
    <Stack gap="sm">
      {openers.map((opener) => (
        <Stack key={opener.id} gap={6} data-thread-id={opener.id}>
          <CommentItem comment={opener} reply={false} />
          {comments
            .filter((c) => c.parent?.id === opener.id)
            .map((reply) => (
              <CommentItem key={reply.id} comment={reply} reply />
            ))}
          {canComment &&
            !opener.withdrawn &&
            (replyingTo === opener.id ? (
              <Paper ml="xl">
                <CommentForm
                  caseId={caseId}
                  summaryId={summaryId}
                  section={section}
                  parentId={opener.id}
                  label={t("review.comments.replyLabel", { author: opener.authorName })}
                  submitLabel={t("review.comments.postReply")}
                  onDone={() => setReplyingTo(null)}
                />
              </Paper>
            ) : (
              <Button variant="subtle" size="xs" ml="xl" style={{ alignSelf: "flex-start" }} onClick={() => setReplyingTo(opener.id)}>
                {t("review.comments.reply")}
              </Button>
            ))}
        </Stack>
      ))}
    </Stack>
  );
}

function SectionBlock({ caseId, pair, section, comments, canComment }: { caseId: string; pair: SummaryPair; section: SummarySection; comments: ReviewCommentFragment[]; canComment: boolean }) {
  const { t } = useTranslation();
  const [writing, setWriting] = useState(false);
  const sectionName = t(`section.${section}`);
  const headingId = `review-section-${section}`;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={headingId} data-section={section}>
      <Title order={3} size="h5" mb="sm" id={headingId}>
        {sectionName}
      </Title>
      {section === "GENERAL" ? (
        <Text size="sm" c="dimmed" mb="sm">
          {t("review.summary.generalHint")}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, md: pair.source ? 2 : 1 }} mb="sm">
          <SectionColumn summary={pair.mine} section={section} heading={t("review.summary.inLanguage", { language: t(`languageName.${pair.mine.language}`) })} />
          {pair.source && (
            <SectionColumn summary={pair.source} section={section} heading={t("review.summary.sourceIn", { language: t(`languageName.${pair.source.language}`), version: pair.source.version })} />
          )}
        </SimpleGrid>
      )}
      <Stack gap="sm">
        <Threads caseId={caseId} summaryId={pair.mine.id} section={section} comments={comments} canComment={canComment} />
        {canComment &&
          (writing ? (
            <CommentForm
              caseId={caseId}
              summaryId={pair.mine.id}
              section={section}
              label={t("review.comments.newLabel", { section: sectionName })}
              submitLabel={t("review.comments.post")}
              onDone={() => setWriting(false)}
            />
          ) : (
            <Button variant="light" size="xs" style={{ alignSelf: "flex-start" }} onClick={() => setWriting(true)}>
              {t("review.comments.commentOn", { section: sectionName })}
            </Button>
          ))}
      </Stack>
    </Paper>
  );
}

/** The de-identified summary section by section, in the reviewer's language beside its source, with each section's comments. */
export function SummarySections({ caseId, pair, comments, canComment }: { caseId: string; pair: SummaryPair | null; comments: ReviewCommentFragment[]; canComment: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Stack>
      <Group justify="space-between" align="baseline">
        <Title order={2} size="h4">
          {t("review.summary.title")}
        </Title>
        {pair && (
          <Group gap="xs">
            <Badge variant="outline" color="dark" style={{ textTransform: "none" }}>
              {t("review.summary.version", { version: pair.mine.version, language: t(`languageName.${pair.mine.language}`) })}
            </Badge>
            {pair.mine.publishedAt && (
              <Text size="xs" c="dimmed">
                {t("review.summary.published", { date: format.date(pair.mine.publishedAt) })}
              </Text>
            )}
          </Group>
        )}
      </Group>
      {!pair ? (
        <Paper withBorder p="md">
          <Text c="dimmed">{t("review.summary.none")}</Text>
        </Paper>
      ) : (
        <>
          {pair.untranslated && (
            <Alert color="blue" role="status">
              {t("review.summary.untranslated")}
            </Alert>
          )}
          {pair.stale && (
            <Alert color="orange" role="status">
              {t("review.summary.stale")}
            </Alert>
          )}
          {SECTIONS.map((section) => (
            <SectionBlock key={section} caseId={caseId} pair={pair} section={section} comments={comments.filter((c) => c.section === section)} canComment={canComment} />
          ))}
        </>
      )}
    </Stack>
  );
}
