-- Who may look at the warehouse through `./crm-etl serve`: users with a role and the ERP instances granted to
-- them, and their API tokens. Passwords and tokens are kept only as ASP.NET Core Identity hashes (PBKDF2, salted).
create table web_users (
    name           text primary key check (name ~ '^[A-Za-z0-9._@-]{1,64}$'),
    role           text not null check (role in ('viewer', 'editor', 'admin')),
    instances      text[],                 -- ERP instances granted; null = all of them
    password_hash  text not null,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);

-- One token per user: `users token NAME` replaces the previous one. The token is "<token_id>.<secret>"; token_id
-- finds the row, the secret is checked against secret_hash.
create table web_tokens (
    token_id      text primary key,
    user_name     text not null unique references web_users (name) on delete cascade,
    secret_hash   text not null,
    created_at    timestamptz not null default now()
);
