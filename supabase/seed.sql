-- Local development data: a default workspace, its owner, and default autonomy per department.
-- Safe to run repeatedly.

insert into workspaces (slug, name)
values ('default', 'Default workspace')
on conflict do nothing;

insert into users (email, display_name)
values ('owner@localhost', 'Owner')
on conflict do nothing;

insert into memberships (workspace_id, user_id, role)
select w.id, u.id, 'admin'
from workspaces w, users u
where w.slug = 'default' and u.email = 'owner@localhost'
on conflict do nothing;

insert into autonomy_policies (workspace_id, department, level)
select w.id, d.department, d.level
from workspaces w
cross join (values
  ('executive',   'supervised'),
  ('engineering', 'semi_autonomous'),
  ('marketing',   'semi_autonomous'),
  ('operations',  'semi_autonomous'),
  ('finance',     'supervised'),
  ('hr',          'supervised')
) as d (department, level)
where w.slug = 'default'
on conflict do nothing;
