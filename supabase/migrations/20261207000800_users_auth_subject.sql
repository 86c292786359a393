-- Supabase Auth (docs/security.md#supabase-auth): the Supabase user an account is linked to — the
-- `sub` of their access tokens — set the first time a token vouching for the account's email is
-- seen. One Supabase user per account and one account per Supabase user.
alter table users add column if not exists auth_subject text unique
  check (length(auth_subject) between 1 and 255);
