import { GraphQLDate } from "graphql-scalars";

/** The contract's `Date` (YYYY-MM-DD): dates of birth and document dates carry no time of day. */
export const DateScalar = GraphQLDate;
