-- Knowledge base: one per workspace. Documents go through a queued pipeline (store → parse → chunk → embed →
-- index); chunks carry the document's metadata, a full-text vector in the document's language and, when the
-- organization has an embedding provider, an embedding of any dimension. Spreadsheets are also kept as rows.
-- Guarantees: every row carries organization_id and workspace_id; a document's content hash is unique in its
-- knowledge base; deleting a document deletes its chunks and rows; provider API keys are stored encrypted.

create extension if not exists vector;

-- platform-wide pipeline settings (Super Admin): one row
create table knowledge_pipeline_settings (
  id boolean primary key default true check (id),
  chunk_size_tokens integer not null default 400 check (chunk_size_tokens between 50 and 8000),
  chunk_overlap_tokens integer not null default 60 check (chunk_overlap_tokens >= 0),
  embedding_batch_size integer not null default 64 check (embedding_batch_size between 1 and 2048),
  embedding_concurrency integer not null default 2 check (embedding_concurrency between 1 and 32),
  updated_by uuid references users (id) on delete set null,
  updated_at timestamptz not null default now(),
  check (chunk_overlap_tokens < chunk_size_tokens)
);
insert into knowledge_pipeline_settings (id) values (true);

-- the organization's AI provider for the knowledge base: an embedding model and, for generating overview blocks, a
-- chat model. The API key is AES-256-GCM ciphertext under PRODGY_ENCRYPTION_KEY and is never returned.
create table ai_providers (
  organization_id uuid primary key references organizations (id) on delete cascade,
  provider text not null check (provider in ('openai', 'azure', 'google', 'openai_compatible')),
  embedding_model text check (length(btrim(embedding_model)) between 1 and 200),
  chat_model text check (length(btrim(chat_model)) between 1 and 200),
  base_url text,
  resource_name text,
  api_version text,
  api_key_ciphertext text,
  -- learned from the first embedding; a change of embedding model re-embeds the knowledge base in the background
  embedding_dimensions integer check (embedding_dimensions between 1 and 16000),
  updated_by uuid references users (id) on delete set null,
  updated_at timestamptz not null default now()
);

create table knowledge_documents (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  kind text not null default 'file' check (kind in ('file', 'context')),
  name text not null check (length(btrim(name)) between 1 and 300),
  description text,
  source text,
  subject text,
  language text,
  tags text[] not null default '{}',
  file_name text,
  -- what the name says (extension) and what the content is; they must agree
  declared_format text,
  detected_format text,
  mime_type text,
  size_bytes bigint not null default 0,
  content_hash text not null,
  storage_key text,
  status text not null default 'queued' check (status in ('queued', 'parsing', 'embedding', 'ready', 'failed')),
  progress integer not null default 0 check (progress between 0 and 100),
  error_code text,
  error text,
  chunk_count integer not null default 0,
  row_count integer not null default 0,
  embedding_model text,
  embedding_dimensions integer,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, content_hash)
);
create index knowledge_documents_workspace_idx on knowledge_documents (organization_id, workspace_id, created_at desc);
create index knowledge_documents_updated_idx on knowledge_documents (workspace_id, updated_at);

create table knowledge_chunks (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  document_id uuid not null references knowledge_documents (id) on delete cascade,
  ordinal integer not null,
  content text not null,
  token_count integer not null,
  -- the document's metadata (source, subject, language, tags) plus the chunk's own place (heading path, sheet, rows)
  metadata jsonb not null default '{}',
  text_config regconfig not null default 'simple',
  search_vector tsvector not null,
  -- any dimension: an HNSW index per dimension is created on demand over (embedding::vector(n)) where embedding_dimensions = n
  embedding vector,
  embedding_dimensions integer,
  embedding_model text,
  version integer not null default 1,
  inserted_at timestamptz not null default now(),
  unique (document_id, ordinal)
);
create index knowledge_chunks_search_idx on knowledge_chunks using gin (search_vector);
create index knowledge_chunks_workspace_idx on knowledge_chunks (workspace_id, document_id);
create index knowledge_chunks_inserted_idx on knowledge_chunks (inserted_at desc);

-- spreadsheet rows, for counts, sums, averages and group-bys through a structured query (never free SQL)
create table knowledge_rows (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  document_id uuid not null references knowledge_documents (id) on delete cascade,
  sheet text not null,
  row_number integer not null,
  data jsonb not null
);
create index knowledge_rows_document_idx on knowledge_rows (document_id, sheet, row_number);

-- contexts: typed, ordered sections edited as a draft and published into the knowledge base
create table knowledge_contexts (
  workspace_id uuid primary key references workspaces (id) on delete cascade,
  organization_id uuid not null references organizations (id) on delete cascade,
  draft jsonb not null default '[]',
  published jsonb not null default '[]',
  version integer not null default 0,
  published_at timestamptz,
  published_by uuid references users (id) on delete set null,
  updated_at timestamptz not null default now()
);
