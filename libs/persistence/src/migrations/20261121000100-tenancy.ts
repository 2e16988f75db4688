import { Kysely, sql } from 'kysely';

// Tenants and what belongs to them directly: vendor connections (credentials encrypted with
// AES-256-GCM, `key_id` names the vault key for rotation), the live vendor session per connection,
// and API keys (only a hash is stored; `prefix` is the public, non-secret part used for lookup).
//
// ON DELETE policy: a tenant is never deleted by accident, so children RESTRICT (empty it first);
// deleting a connection purges everything it owns (CASCADE), see the later migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tenants (
      id text primary key,
      name text not null,
      status text not null default 'active' check (status in ('active', 'suspended')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table connections (
      id text primary key,
      tenant_id text not null references tenants (id) on delete restrict,
      vendor text not null,
      label text,
      portal_url text not null,
      username text not null,
      password_encrypted bytea,
      mfa_secret_encrypted bytea,
      key_id text,
      mfa_method text not null default 'none' check (mfa_method in ('none', 'totp', 'sms', 'email')),
      sso boolean not null default false,
      status text not null default 'pending'
        check (status in ('pending', 'active', 'needs_attention', 'disabled')),
      status_reason text,
      last_login_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      -- lets tenant-scoped children reference (tenant_id, id) so a row can never point at another
      -- tenant's connection
      unique (tenant_id, id),
      unique (tenant_id, vendor, portal_url, username),
      check (key_id is not null or (password_encrypted is null and mfa_secret_encrypted is null))
    );

    create table sessions (
      connection_id text primary key,
      tenant_id text not null,
      state_encrypted bytea not null,
      key_id text not null,
      expires_at timestamptz,
      health text not null default 'healthy' check (health in ('healthy', 'degraded', 'expired', 'invalid')),
      last_checked_at timestamptz,
      last_refreshed_at timestamptz,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      foreign key (tenant_id, connection_id) references connections (tenant_id, id) on delete cascade
    );
    create index sessions_expires_at_idx on sessions (expires_at);

    create table api_keys (
      id text primary key,
      tenant_id text not null references tenants (id) on delete restrict,
      name text not null,
      prefix text not null unique,
      key_hash bytea not null,
      scopes text[] not null default '{}',
      last_used_at timestamptz,
      expires_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index api_keys_tenant_id_idx on api_keys (tenant_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table api_keys;
    drop table sessions;
    drop table connections;
    drop table tenants;
  `.execute(db);
}
