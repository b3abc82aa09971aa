-- The last events of each type an account published (RecentEvents.Kept of them), whether or not a webhook kept them,
-- for GET /api/events/recent (spec 10). A ring of slots per (account, event), overwritten in place: it never grows,
-- and retention leaves it alone. recent_heads counts the publishes; its row lock orders concurrent publishes of one ring.
CREATE TABLE recent_heads (
    account  text NOT NULL,
    event    text NOT NULL,
    last_seq bigint NOT NULL,
    PRIMARY KEY (account, event)
);

CREATE TABLE recent_events (
    account   text NOT NULL,
    event     text NOT NULL,
    slot      smallint NOT NULL,               -- seq modulo the ring's size
    seq       bigint NOT NULL,
    event_id  text NOT NULL,
    published timestamptz NOT NULL,
    data      text NOT NULL,                   -- text, not jsonb: the published bytes exactly
    PRIMARY KEY (account, event, slot)
);
ALTER TABLE recent_events SET (autovacuum_vacuum_scale_factor = 0.05);
