-- A new conversation's title (given at creation, or taken from its first message) gets the next
-- free number when the workspace has that title already: "Who reports to the CFO? (2)"
-- (conversation-titles.ts). Finding the numbers taken is a range scan of this index: the title
-- itself and every "<title> (…" sort together under the "C" collation, whatever the database's
-- default collation does with punctuation.
create index if not exists conversations_workspace_title_idx
  on conversations (workspace_id, (title collate "C"));
