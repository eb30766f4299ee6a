import { Field, Int, ObjectType, type ClassType } from "type-graphql";

@ObjectType("PageInfo", { simpleResolvers: true })
export class PageInfoType {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

/**
 * A cursor connection of `Node` (edges { cursor node }, pageInfo, totalCount), as `cases`
 * has it; extend it as `@ObjectType("XConnection", { simpleResolvers: true }) class XConnectionType extends Connection(XType, "XEdge") {}`.
 */
export function Connection<TNode extends object>(Node: ClassType<TNode>, edgeName: string) {
  @ObjectType(edgeName, { simpleResolvers: true })
  class Edge {
    @Field() cursor!: string;
    @Field(() => Node) node!: TNode;
  }

  // Only the named connection that extends it is reachable from a resolver, so only that one is emitted.
  @ObjectType({ simpleResolvers: true })
  abstract class ConnectionBase {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfoType) pageInfo!: PageInfoType;
    @Field(() => Int) totalCount!: number;
  }
  return ConnectionBase;
}
