import { CONVERSATION_TITLE_MAX_CHARS } from '@orchestrator/contracts';

/** What an untitled conversation is called until its first message names it. */
export const DEFAULT_TITLE = 'New conversation';

/** How much of the first message an untitled conversation's title takes. */
export const TITLE_FROM_MESSAGE_CHARS = 80;

/**
 * SQL for the title a conversation gets when it is created or named by its first message
 * (docs/api.md): `base` itself unless another conversation of the workspace has it, else
 * `base (n)`, n one above the highest number taken (2 when only `base` is). The same question
 * asked in two new conversations then gives two a person can tell apart in the list; neither is
 * merged into the other, since a new conversation is what was asked for. A title a person types
 * when renaming is theirs and is kept as it is.
 *
 * The arguments are SQL expressions: the workspace, the conversation being named (never counted
 * against itself; `null::uuid` before it exists) and the wanted title. Two conversations named
 * at the same instant may get the same number: titles are for people, nothing relies on them
 * being unique, and a lock on every new conversation would cost more than that rare pair.
 */
export const distinctTitleSql = (workspace: string, self: string, base: string): string => `(
  select case when taken.exact
              then left(b.title, ${CONVERSATION_TITLE_MAX_CHARS} - length(taken.next::text) - 3) || ' (' || taken.next || ')'
              else b.title end
    from (select ${base}::text as title) b,
    lateral (
      select coalesce(bool_or(c.title = b.title), false) as exact,
             coalesce(max(case when c.title <> b.title
                               then rtrim(substring(c.title from length(b.title) + 3), ')')::int end), 1) + 1 as next
        from conversations c
       where c.workspace_id = ${workspace} and c.id is distinct from ${self}
         and c.title collate "C" >= b.title and c.title collate "C" < b.title || ' )'
         and (c.title = b.title or substring(c.title from length(b.title) + 1) ~ '^ \\([1-9][0-9]{0,5}\\)$')
    ) taken
)`;

/** SQL for a title from a message: its whitespace runs as single spaces, cut to TITLE_FROM_MESSAGE_CHARS. */
export const titleFromMessageSql = (content: string): string =>
  `rtrim(left(btrim(regexp_replace(${content}, '\\s+', ' ', 'g')), ${TITLE_FROM_MESSAGE_CHARS}))`;
