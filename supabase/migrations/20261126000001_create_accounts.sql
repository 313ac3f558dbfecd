-- Accounts and tenancy: organizations, workspaces (products), users, memberships, workspace access,
-- invitations, sessions, one-time email links, API tokens, audit log, mail outbox, platform settings.
-- Guarantees: every tenant-owned row carries organization_id; emails are stored lowercased and unique;
-- secrets (passwords, tokens, links) are stored only as hashes.

create table organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  website text,
  description text,
  industry text,
  size text,
  stage text,
  logo text,
  status text not null default 'trial' check (status in ('trial', 'active', 'past_due', 'canceled')),
  -- the organization's default LLM integration; the foreign key arrives with integrations
  default_model_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table workspaces (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete restrict,
  name text not null check (length(btrim(name)) between 1 and 200),
  slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  description text,
  website text,
  logo text,
  vision text,
  target_audience text,
  personas text,
  value_proposition text,
  okrs text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, slug)
);

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique check (email = lower(email) and position('@' in email) > 1),
  full_name text not null default '',
  position text,
  language text not null default 'en-US',
  avatar text,
  -- null until the person sets a password (a sign-up waiting for confirmation, or an SSO-only account)
  password_hash text,
  email_confirmed_at timestamptz,
  is_super_admin boolean not null default false,
  ai_directive text not null default '',
  confirm_destructive_actions boolean not null default true,
  password_changed_at timestamptz,
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table memberships (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('user', 'admin')),
  created_at timestamptz not null default now(),
  unique (organization_id, user_id)
);
create index memberships_user_idx on memberships (user_id);

-- which workspaces a member with role "user" may open; admins and super admins reach every workspace
create table workspace_access (
  organization_id uuid not null references organizations (id) on delete cascade,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  granted_at timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
create index workspace_access_user_idx on workspace_access (user_id, organization_id);

create table invitations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  email text not null check (email = lower(email)),
  full_name text not null default '',
  role text not null check (role in ('user', 'admin', 'super_admin')),
  workspace_ids uuid[] not null default '{}',
  status text not null default 'pending' check (status in ('pending', 'active', 'cancelled')),
  token_hash text not null unique,
  invited_by uuid references users (id) on delete set null,
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_user_id uuid references users (id) on delete set null,
  cancelled_at timestamptz,
  created_at timestamptz not null default now()
);
create unique index invitations_one_pending_idx on invitations (organization_id, email) where status = 'pending';

-- refresh tokens: rotated on every use; a reused token revokes its whole family
create table refresh_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  family_id uuid not null,
  token_hash text not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz,
  revoked_reason text,
  user_agent text,
  ip text,
  created_at timestamptz not null default now()
);
create index refresh_sessions_family_idx on refresh_sessions (family_id);
create index refresh_sessions_user_idx on refresh_sessions (user_id);

-- one-time links sent by email: confirm a sign-up, reset a password
create table email_links (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  purpose text not null check (purpose in ('confirm_email', 'reset_password')),
  token_hash text not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index email_links_user_idx on email_links (user_id, purpose);

-- password-reset requests per email, for the progressive cooldown (kept one hour)
create table password_reset_requests (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  ip text,
  requested_at timestamptz not null default now()
);
create index password_reset_requests_email_idx on password_reset_requests (email, requested_at desc);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 100),
  prefix text not null,
  token_hash text not null unique,
  status text not null default 'active' check (status in ('active', 'inactive', 'expired', 'revoked')),
  expires_at timestamptz,
  usage_count integer not null default 0,
  last_used_at timestamptz,
  last_used_audit_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index api_tokens_workspace_idx on api_tokens (organization_id, workspace_id);

create table audit_log (
  id uuid primary key default gen_random_uuid(),
  -- null for platform-level events (a Super Admin granted, the first-run setup)
  organization_id uuid references organizations (id) on delete cascade,
  workspace_id uuid,
  actor_user_id uuid,
  actor_token_id uuid,
  action text not null,
  target_type text,
  target_id text,
  metadata jsonb not null default '{}',
  ip text,
  created_at timestamptz not null default now()
);
create index audit_log_org_idx on audit_log (organization_id, created_at desc);
create index audit_log_target_idx on audit_log (target_type, target_id);

-- every email the platform sends; the development transport keeps it here for Super Admins to read
create table mail_outbox (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid references organizations (id) on delete set null,
  to_address text not null,
  subject text not null,
  text_body text not null,
  html_body text,
  action_url text,
  kind text not null,
  status text not null default 'queued' check (status in ('queued', 'sent', 'stored', 'failed')),
  transport text,
  attempts integer not null default 0,
  error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index mail_outbox_created_idx on mail_outbox (created_at desc);

-- platform-wide values generated on first start when not configured (e.g. the access-token signing key)
create table platform_settings (
  key text primary key,
  value text not null,
  updated_at timestamptz not null default now()
);
