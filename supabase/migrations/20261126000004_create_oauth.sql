-- OAuth 2.1 authorization server for MCP clients: registered clients, one-time authorization codes, grants
-- (the "connected apps" a person approved for one workspace) and the access and refresh tokens issued under them.
-- Guarantees: client secrets, codes and tokens are stored only as SHA-256 hashes; every row owned by a tenant
-- carries organization_id; a grant belongs to one user, one organization and one of its workspaces.

-- clients register themselves (RFC 7591), before anyone signs in, so they belong to no organization
create table oauth_clients (
  client_id text primary key check (length(client_id) between 16 and 64),
  client_name text not null check (length(btrim(client_name)) between 1 and 200),
  client_uri text,
  logo_uri text,
  redirect_uris text[] not null check (cardinality(redirect_uris) between 1 and 10),
  grant_types text[] not null default '{authorization_code,refresh_token}'
    check (grant_types <@ array['authorization_code', 'refresh_token']::text[]),
  -- none: a public client proving itself with PKCE only; otherwise a confidential client with a secret
  token_endpoint_auth_method text not null default 'none'
    check (token_endpoint_auth_method in ('none', 'client_secret_post', 'client_secret_basic')),
  client_secret_hash text,
  scope text,
  software_id text,
  software_version text,
  created_at timestamptz not null default now(),
  check ((token_endpoint_auth_method = 'none') = (client_secret_hash is null))
);
create index oauth_clients_created_idx on oauth_clients (created_at);

-- connected apps: what a person allowed one client to do in one workspace
create table oauth_grants (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  client_id text not null references oauth_clients (client_id) on delete cascade,
  scopes text[] not null check (cardinality(scopes) >= 1),
  authorized_at timestamptz not null default now(),
  last_used_at timestamptz,
  usage_count integer not null default 0,
  revoked_at timestamptz
);
-- approving the same app again for the same workspace updates the live grant instead of adding one
create unique index oauth_grants_live_idx on oauth_grants (client_id, user_id, workspace_id) where revoked_at is null;
create index oauth_grants_workspace_idx on oauth_grants (organization_id, workspace_id);
create index oauth_grants_user_idx on oauth_grants (user_id);

create table oauth_authorization_codes (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  client_id text not null references oauth_clients (client_id) on delete cascade,
  grant_id uuid not null references oauth_grants (id) on delete cascade,
  code_hash text not null unique,
  scopes text[] not null,
  redirect_uri text not null,
  -- PKCE: BASE64URL(SHA-256(code_verifier)); S256 is the only method accepted
  code_challenge text not null,
  -- RFC 8707: the resource (the MCP URL) the client asked a token for
  resource text,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index oauth_authorization_codes_grant_idx on oauth_authorization_codes (grant_id);

create table oauth_tokens (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  grant_id uuid not null references oauth_grants (id) on delete cascade,
  -- the authorization code the chain started from; refresh rotation keeps it, so a replayed code revokes the chain
  family_id uuid not null,
  kind text not null check (kind in ('access', 'refresh')),
  token_hash text not null unique,
  scopes text[] not null,
  resource text,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  -- a refresh token that was rotated points at its successor; presenting it again revokes the grant's tokens
  replaced_by uuid references oauth_tokens (id) on delete set null,
  created_at timestamptz not null default now()
);
create index oauth_tokens_grant_idx on oauth_tokens (grant_id);
create index oauth_tokens_family_idx on oauth_tokens (family_id);
create index oauth_tokens_expires_idx on oauth_tokens (expires_at);
