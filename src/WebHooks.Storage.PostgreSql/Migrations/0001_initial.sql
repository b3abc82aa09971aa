-- The schema of the webhook service on PostgreSQL (spec 9: several instances share it).
-- Events form one append-only log ("stream") per (account, event type); each webhook is a consumer
-- of its stream that keeps its offset on its own row. Business times come from the engine's clock;
-- only lane leases (lease_until) use the database clock, now().

CREATE TABLE accounts (
    name          text PRIMARY KEY,            -- normalised (lower case) by the engine, compared exactly
    password_hash text NOT NULL,
    email         text,
    created       timestamptz NOT NULL
);

CREATE TABLE api_keys (
    hash    text PRIMARY KEY,                  -- SHA-256 of the key, hex: the key itself is never stored
    account text NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    prefix  text NOT NULL,
    created timestamptz NOT NULL,
    revoked timestamptz
);
CREATE INDEX api_keys_account ON api_keys (account);

-- No foreign key to accounts: the events of a removed account stay until retention deletes them.
CREATE TABLE streams (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account        text NOT NULL,
    event          text NOT NULL,
    last_seq       bigint NOT NULL DEFAULT 0,  -- the head: never goes back, even when retention empties the stream
    last_published timestamptz,                -- publish times are kept monotonic per stream
    UNIQUE (account, event)
);

-- One row per event however many webhooks listen. data is text, never jsonb: receivers get the
-- published bytes exactly (jsonb would reorder keys and normalise numbers and whitespace).
CREATE TABLE events (
    stream_id integer NOT NULL,
    seq       bigint NOT NULL,
    event_id  text NOT NULL,
    published timestamptz NOT NULL,
    data      text NOT NULL,
    PRIMARY KEY (stream_id, seq)
);
-- Appended at the end, deleted in ranges from the front by retention.
ALTER TABLE events SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.05);

CREATE TABLE webhooks (
    id                    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- never reused, across instances
    account               text NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    app                   text NOT NULL,
    event                 text NOT NULL,
    url                   text NOT NULL,
    secret                text NOT NULL,
    previous_secret       text,
    previous_secret_until timestamptz,
    created               timestamptz NOT NULL,
    origin                smallint NOT NULL DEFAULT 0,                      -- WebHookOrigin
    stream_id             integer NOT NULL REFERENCES streams (id),
    active                boolean NOT NULL DEFAULT true,
    deactivated           timestamptz,
    last_error            text NOT NULL DEFAULT '',
    failures              integer NOT NULL DEFAULT 0,
    next_attempt_at       timestamptz,
    -- DeliveryOffset: the last sequence done with, and the bounds of a replay.
    delivered             bigint NOT NULL,
    replay_until          bigint,
    resume_after          bigint NOT NULL DEFAULT 0,
    dropped_events        bigint NOT NULL DEFAULT 0,
    buffer_closed_at      bigint,
    -- The lane's lease: one owner at a time; every write of the lane names lease_token (fencing).
    lease_owner           text,
    lease_token           uuid,
    lease_until           timestamptz
);
CREATE INDEX webhooks_account ON webhooks (account, id);
CREATE INDEX webhooks_stream ON webhooks (stream_id);
-- The backstop poll looks only at active webhooks, soonest retry first: deactivated ones (which may
-- hold large buffers for days) are never walked. Offsets and leases are not indexed, so the lanes'
-- frequent writes stay HOT updates (hence the fill factor).
CREATE INDEX webhooks_due ON webhooks (next_attempt_at NULLS FIRST, id) WHERE active;
ALTER TABLE webhooks SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.05);

CREATE TABLE idempotency (
    account  text NOT NULL,
    key      text NOT NULL,                    -- compared exactly (case-sensitive)
    created  timestamptz NOT NULL,
    event_id text NOT NULL,
    webhooks integer NOT NULL,
    PRIMARY KEY (account, key)
);
CREATE INDEX idempotency_created ON idempotency (created);
ALTER TABLE idempotency SET (autovacuum_vacuum_scale_factor = 0.05);

CREATE TABLE notifications (
    id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account    text NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    type       text NOT NULL,
    webhook_id integer NOT NULL,               -- no foreign key: the link of a deleted webhook says so
    created    timestamptz NOT NULL,
    message    text NOT NULL,
    last_error text NOT NULL,
    used       timestamptz
);
CREATE INDEX notifications_account ON notifications (account, id);

-- Named secret keys (the notification-link key, ...): created once by the first instance that asks.
CREATE TABLE keys (
    name  text PRIMARY KEY,
    value bytea NOT NULL
);

CREATE TABLE login_failures (
    key   text PRIMARY KEY,                    -- account and client address
    count integer NOT NULL,
    last  timestamptz NOT NULL
);
ALTER TABLE login_failures SET (autovacuum_vacuum_scale_factor = 0.05);

CREATE TABLE dataprotection_keys (
    name text PRIMARY KEY,
    xml  text NOT NULL
);

CREATE TABLE attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id  integer NOT NULL,
    event_id    text NOT NULL,
    event       text NOT NULL,
    attempt     integer NOT NULL,
    created     timestamptz NOT NULL,
    status      integer NOT NULL,
    duration_ms integer NOT NULL,
    succeeded   boolean NOT NULL,
    error       text NOT NULL
);
CREATE INDEX attempts_webhook ON attempts (webhook_id, created DESC, id DESC);
CREATE INDEX attempts_created ON attempts (created);
ALTER TABLE attempts SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.05);
