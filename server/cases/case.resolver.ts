import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../context.js";
import { CaseStatus } from "../common/enums.js";
import { findVisibleCase, noteCaseRead } from "./case-access.js";
import { CaseFilter, OpenCaseInput } from "./case.input.js";
import { listCases } from "./case-list.service.js";
import { openCase, transitionCase } from "./case.service.js";
import { CaseConnectionType, CaseType } from "./case.type.js";

@Resolver(() => CaseType)
export class CaseResolver {
  @Query(() => CaseType, { nullable: true })
  async case(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<CaseType> {
    const { row, view } = await findVisibleCase(ctx, id);
    noteCaseRead(ctx, row);
    return CaseType.from(row, view);
  }

  @Query(() => CaseConnectionType, { description: "Newest opened first. The order does not move while cases change, so paging with after returns each case once." })
  async cases(
    @Ctx() ctx: RequestContext,
    @Arg("filter", () => CaseFilter, { nullable: true }) filter: CaseFilter | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<CaseConnectionType> {
    const page = await listCases(ctx, filter, first ?? 20, after);
    return {
      edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: CaseType.from(edge.row, edge.view) })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      totalCount: page.totalCount,
    };
  }

  @Mutation(() => CaseType)
  async openCase(@Ctx() ctx: RequestContext, @Arg("input") input: OpenCaseInput): Promise<CaseType> {
    const { row, view } = await openCase(ctx, input);
    return CaseType.from(row, view);
  }

  @Mutation(() => CaseType)
  async transitionCase(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID) id: string,
    @Arg("to", () => CaseStatus) to: CaseStatus,
    @Arg("expectedVersion", () => Int) expectedVersion: number,
    @Arg("note", () => String, { nullable: true }) note: string | null,
  ): Promise<CaseType> {
    const { row, view } = await transitionCase(ctx, id, to, expectedVersion, note);
    return CaseType.from(row, view);
  }
}
