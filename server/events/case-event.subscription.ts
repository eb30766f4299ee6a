import { Arg, ID, Resolver, Root, Subscription } from "type-graphql";
import { BadUserInputError } from "../errors.js";
import { AFTER_EVENT } from "./case-event.service.js";
import { CaseEventNode } from "./case-event.type.js";

/**
 * The contract's subscriptions. Their events are produced by the EventHub, which
 * graphql-ws calls directly (server/events/websocket.ts): it authorizes and executes
 * each event once per distinct (selection, view). Over HTTP there is no subscribing.
 */
export function servedOverWebSocket(): never {
  throw new BadUserInputError("query", "Subscriptions are served over the graphql-ws WebSocket at /graphql");
}

@Resolver(() => CaseEventNode)
export class CaseEventSubscription {
  @Subscription(() => CaseEventNode, {
    subscribe: servedOverWebSocket,
    description: "Status changes of one case, or, without caseId, of every case the viewer may see.",
  })
  caseStatusChanged(@Root() event: CaseEventNode, @Arg("caseId", () => ID, { nullable: true }) _caseId: string | null): CaseEventNode {
    return event;
  }

  @Subscription(() => CaseEventNode, {
    subscribe: servedOverWebSocket,
    description: 'Every event of one case; with after, first replays what came after that event id (after: "0" replays from the start), then goes live; without after, only what happens from now on.',
  })
  caseActivity(
    @Root() event: CaseEventNode,
    @Arg("caseId", () => ID) _caseId: string,
    @Arg("after", () => ID, { nullable: true, description: AFTER_EVENT }) _after: string | null,
  ): CaseEventNode {
    return event;
  }
}
