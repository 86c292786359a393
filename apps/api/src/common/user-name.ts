/**
 * How the API names a person wherever it says who did something (an audit entry's `actorName`, a
 * chat message's `author`): the display name they chose. One rule, so the audit log and the chat
 * never name the same person differently. `users` is the alias of a `users` row in the query.
 */
export const userNameSql = (users: string): string => `${users}.display_name`;
