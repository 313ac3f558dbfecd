-- Integrations: templates (the catalog) and installed instances, MCP settings, MCP sessions (for the Gateway's
-- once-per-session context injection) and events received from communicator webhooks.
-- Guarantees: built-in templates have no organization and are replaced only by a newer version from the
-- repository; an installed integration belongs to one organization and, when local, to one of its workspaces;
-- credentials are AES-256-GCM ciphertext under PRODGY_ENCRYPTION_KEY and are never returned.

create table integration_templates (
  id uuid primary key default gen_random_uuid(),
  -- null for the built-in templates shipped with the platform
  organization_id uuid references organizations (id) on delete cascade,
  key text not null check (key ~ '^[a-z][a-z0-9]*(_[a-z0-9]+)*$'),
  version integer not null default 1 check (version >= 1),
  name text not null check (length(btrim(name)) between 1 and 100),
  class text not null,
  builtin boolean not null default false,
  -- the whole template, validated by core/src/integrations/template-schema.ts
  definition jsonb not null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (builtin = (organization_id is null))
);
create unique index integration_templates_builtin_key_idx on integration_templates (key) where organization_id is null;
create unique index integration_templates_org_key_idx on integration_templates (organization_id, key)
  where organization_id is not null;

create table integrations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  -- null: global (every workspace of the organization); set: local to that workspace
  workspace_id uuid references workspaces (id) on delete cascade,
  template_id uuid not null references integration_templates (id) on delete restrict,
  title text not null check (length(btrim(title)) between 1 and 120),
  settings jsonb not null default '{}',
  credentials_ciphertext text,
  -- names of the credential fields that hold a value (never the values)
  credential_names text[] not null default '{}',
  active boolean not null default true,
  validated_at timestamptz,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index integrations_org_idx on integrations (organization_id, workspace_id);
create index integrations_template_idx on integrations (template_id);

-- the organization's MCP Server settings: instructions sent to MCP clients, rules for drafting templates
create table mcp_settings (
  organization_id uuid primary key references organizations (id) on delete cascade,
  instructions text not null default '',
  template_rules text not null default '',
  updated_by uuid references users (id) on delete set null,
  updated_at timestamptz not null default now()
);

-- one row per MCP session id the Gateway issued, so context is injected once per session on any replica
create table mcp_sessions (
  id text primary key check (length(id) between 16 and 128),
  organization_id uuid not null references organizations (id) on delete cascade,
  subject text not null,
  context_delivered_at timestamptz,
  created_at timestamptz not null default now()
);
create index mcp_sessions_created_idx on mcp_sessions (created_at);

-- events posted by communicators (Slack, Google Chat) to their integration's webhook, after signature checks
create table communicator_events (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  integration_id uuid not null references integrations (id) on delete cascade,
  provider text not null,
  external_id text,
  event_type text not null,
  payload jsonb not null,
  received_at timestamptz not null default now()
);
create unique index communicator_events_external_idx on communicator_events (integration_id, external_id)
  where external_id is not null;
create index communicator_events_org_idx on communicator_events (organization_id, received_at desc);

alter table organizations
  add constraint organizations_default_model_fk foreign key (default_model_id) references integrations (id)
  on delete set null;
