import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../context.js";
import { OptionStatus } from "../common/enums.js";
import { ProposePathwayOptionInput, UpdatePathwayOptionInput } from "./pathway-option.input.js";
import { PathwayOptionType } from "./pathway-option.type.js";
import { proposePathwayOption, setPathwayOptionStatus, updatePathwayOption } from "./option.service.js";

@Resolver(() => PathwayOptionType)
export class OptionResolver {
  @Mutation(() => PathwayOptionType)
  async proposePathwayOption(@Ctx() ctx: RequestContext, @Arg("input") input: ProposePathwayOptionInput): Promise<PathwayOptionType> {
    return PathwayOptionType.from(await proposePathwayOption(ctx, input));
  }

  @Mutation(() => PathwayOptionType, { description: "Edits an option's text before delivery: coordinators, or the reviewer who proposed it." })
  async updatePathwayOption(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdatePathwayOptionInput) input: UpdatePathwayOptionInput,
  ): Promise<PathwayOptionType> {
    return PathwayOptionType.from(await updatePathwayOption(ctx, id, input));
  }

  @Mutation(() => PathwayOptionType)
  async setPathwayOptionStatus(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID) id: string,
    @Arg("status", () => OptionStatus) status: OptionStatus,
  ): Promise<PathwayOptionType> {
    return PathwayOptionType.from(await setPathwayOptionStatus(ctx, id, status));
  }
}
