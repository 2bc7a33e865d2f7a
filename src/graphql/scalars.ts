import { GraphQLScalarType } from "graphql";
import { DateTimeISOResolver } from "graphql-scalars";

/**
 * SPEC §8: date-times are ISO-8601 UTC strings in a scalar named `DateTime`. graphql-scalars'
 * DateTimeISO serializes with `toISOString()` (always UTC, `Z`); only the name differs.
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeISOResolver.toConfig(),
  name: "DateTime",
  description: "An ISO-8601 date-time in UTC, e.g. 2025-01-31T12:00:00.000Z.",
});
