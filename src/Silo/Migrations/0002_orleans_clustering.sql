-- 0002_orleans_clustering.sql
--
-- Membership table for Microsoft.Orleans.Clustering.AdoNet (silo: UseAdoNetClustering,
-- client: UseAdoNetClustering on the client builder), invariant "Npgsql".
--
-- Contract (as read from the 10.4.2 provider):
--   * required keys: GatewaysQueryKey, MembershipReadRowKey, MembershipReadAllKey,
--     InsertMembershipVersionKey, UpdateIAmAlivetimeKey, InsertMembershipKey, UpdateMembershipKey,
--     DeleteMembershipTableEntriesKey, CleanupDefunctSiloEntriesKey;
--     optional key: CleanupDefunctSiloEntryKey (when present the provider reads the table, picks
--     the Dead rows itself and deletes them one by one with the values it read).
--   * parameters: @DeploymentId (the cluster id), @Address (text), @Port, @Generation, @SiloName,
--     @HostName, @Status (int, Orleans SiloStatus: 3 = Active, 6 = Dead), @ProxyPort,
--     @SuspectTimes (text "silo,date|silo,date", may be NULL), @StartTime, @IAmAliveTime
--     (UTC timestamps), @Version (int, the table version the caller last read).
--   * read queries return DeploymentId, Address, Port, Generation, SiloName, HostName, Status,
--     ProxyPort, SuspectTimes, StartTime, IAmAliveTime and Version; a deployment with no silo
--     rows must still return one row carrying Version (StartTime NULL) - hence the LEFT JOINs.
--   * insert/update queries return a single column, non-zero on success and 0 when the table
--     version did not match (Orleans then re-reads the table and retries).
--
-- The version row of a deployment is the lock that serializes every membership change: the
-- insert and update functions take it FOR UPDATE, compare it with @Version, change the silo
-- row and only then bump it, so a failed attempt changes nothing at all.

CREATE TABLE IF NOT EXISTS orleans_membership_version
(
    deployment_id varchar(150) NOT NULL,
    version       integer      NOT NULL DEFAULT 0,
    updated_at    timestamptz  NOT NULL DEFAULT now(),

    CONSTRAINT pk_orleans_membership_version PRIMARY KEY (deployment_id)
);

CREATE TABLE IF NOT EXISTS orleans_membership
(
    deployment_id   varchar(150) NOT NULL,
    address         varchar(45)  NOT NULL,
    port            integer      NOT NULL,
    generation      integer      NOT NULL,
    silo_name       varchar(150) NOT NULL,
    host_name       varchar(150) NOT NULL,
    status          integer      NOT NULL,
    proxy_port      integer      NULL,
    suspect_times   text         NULL,
    start_time      timestamptz  NOT NULL,
    i_am_alive_time timestamptz  NOT NULL,

    CONSTRAINT pk_orleans_membership PRIMARY KEY (deployment_id, address, port, generation),
    CONSTRAINT fk_orleans_membership_version FOREIGN KEY (deployment_id)
        REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE
);

-- Adds a silo row if the caller's table version is still current; bumps the version on success.
CREATE OR REPLACE FUNCTION orleans_insert_membership(
    p_deployment_id   varchar,
    p_address         varchar,
    p_port            integer,
    p_generation      integer,
    p_silo_name       varchar,
    p_host_name       varchar,
    p_status          integer,
    p_proxy_port      integer,
    p_start_time      timestamptz,
    p_i_am_alive_time timestamptz,
    p_version         integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_current integer;
    v_rows    integer;
BEGIN
    SELECT mv.version INTO v_current
    FROM orleans_membership_version AS mv
    WHERE mv.deployment_id = p_deployment_id
    FOR UPDATE;

    IF v_current IS NULL OR p_version IS NULL OR v_current <> p_version OR v_current = 2147483647 THEN
        RETURN 0;
    END IF;

    INSERT INTO orleans_membership
        (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port,
         suspect_times, start_time, i_am_alive_time)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port,
         NULL, p_start_time, p_i_am_alive_time)
    ON CONFLICT (deployment_id, address, port, generation) DO NOTHING;

    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows = 0 THEN
        RETURN 0;
    END IF;

    UPDATE orleans_membership_version AS mv
    SET version = mv.version + 1, updated_at = now()
    WHERE mv.deployment_id = p_deployment_id;

    RETURN 1;
END
$fn$;

-- Changes status, suspicions and liveness of an existing silo row under the same version rule.
CREATE OR REPLACE FUNCTION orleans_update_membership(
    p_deployment_id   varchar,
    p_address         varchar,
    p_port            integer,
    p_generation      integer,
    p_status          integer,
    p_suspect_times   text,
    p_i_am_alive_time timestamptz,
    p_version         integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_current integer;
    v_rows    integer;
BEGIN
    SELECT mv.version INTO v_current
    FROM orleans_membership_version AS mv
    WHERE mv.deployment_id = p_deployment_id
    FOR UPDATE;

    IF v_current IS NULL OR p_version IS NULL OR v_current <> p_version OR v_current = 2147483647 THEN
        RETURN 0;
    END IF;

    UPDATE orleans_membership AS m
    SET status          = p_status,
        suspect_times   = p_suspect_times,
        -- liveness only moves forward, even if a slower writer arrives with an older stamp
        i_am_alive_time = GREATEST(m.i_am_alive_time, p_i_am_alive_time)
    WHERE m.deployment_id = p_deployment_id
      AND m.address = p_address
      AND m.port = p_port
      AND m.generation = p_generation;

    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows = 0 THEN
        RETURN 0;
    END IF;

    UPDATE orleans_membership_version AS mv
    SET version = mv.version + 1, updated_at = now()
    WHERE mv.deployment_id = p_deployment_id;

    RETURN 1;
END
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'InsertMembershipVersionKey',
    $q$
    WITH created AS (
        INSERT INTO orleans_membership_version (deployment_id)
        VALUES (@DeploymentId)
        ON CONFLICT (deployment_id) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::integer AS "Created" FROM created;
    $q$
),
(
    'InsertMembershipKey',
    $q$
    SELECT orleans_insert_membership(
        @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS "Succeeded";
    $q$
),
(
    'UpdateMembershipKey',
    $q$
    SELECT orleans_update_membership(
        @DeploymentId, @Address, @Port, @Generation,
        @Status, @SuspectTimes, @IAmAliveTime, @Version) AS "Succeeded";
    $q$
),
(
    'UpdateIAmAlivetimeKey',
    $q$
    UPDATE orleans_membership AS m
    SET i_am_alive_time = GREATEST(m.i_am_alive_time, @IAmAliveTime)
    WHERE m.deployment_id = @DeploymentId
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation;
    $q$
),
(
    'MembershipReadRowKey',
    $q$
    SELECT
        mv.deployment_id  AS "DeploymentId",
        m.address         AS "Address",
        m.port            AS "Port",
        m.generation      AS "Generation",
        m.silo_name       AS "SiloName",
        m.host_name       AS "HostName",
        m.status          AS "Status",
        m.proxy_port      AS "ProxyPort",
        m.suspect_times   AS "SuspectTimes",
        m.start_time      AS "StartTime",
        m.i_am_alive_time AS "IAmAliveTime",
        mv.version        AS "Version"
    FROM orleans_membership_version AS mv
    LEFT JOIN orleans_membership AS m
           ON m.deployment_id = mv.deployment_id
          AND m.address = @Address
          AND m.port = @Port
          AND m.generation = @Generation
    WHERE mv.deployment_id = @DeploymentId;
    $q$
),
(
    'MembershipReadAllKey',
    $q$
    SELECT
        mv.deployment_id  AS "DeploymentId",
        m.address         AS "Address",
        m.port            AS "Port",
        m.generation      AS "Generation",
        m.silo_name       AS "SiloName",
        m.host_name       AS "HostName",
        m.status          AS "Status",
        m.proxy_port      AS "ProxyPort",
        m.suspect_times   AS "SuspectTimes",
        m.start_time      AS "StartTime",
        m.i_am_alive_time AS "IAmAliveTime",
        mv.version        AS "Version"
    FROM orleans_membership_version AS mv
    LEFT JOIN orleans_membership AS m
           ON m.deployment_id = mv.deployment_id
    WHERE mv.deployment_id = @DeploymentId;
    $q$
),
(
    'GatewaysQueryKey',
    $q$
    SELECT
        m.address    AS "Address",
        m.proxy_port AS "ProxyPort",
        m.generation AS "Generation"
    FROM orleans_membership AS m
    WHERE m.deployment_id = @DeploymentId
      AND m.status = @Status
      AND m.proxy_port > 0;
    $q$
),
(
    -- The version row cascades to the silo rows.
    'DeleteMembershipTableEntriesKey',
    $q$
    DELETE FROM orleans_membership_version
    WHERE deployment_id = @DeploymentId;
    $q$
),
(
    -- Fallback bulk clean-up: Dead silos that have been silent since before the cut-off.
    'CleanupDefunctSiloEntriesKey',
    $q$
    DELETE FROM orleans_membership AS m
    WHERE m.deployment_id = @DeploymentId
      AND m.status = 6
      AND m.i_am_alive_time < @IAmAliveTime
      AND m.start_time < @IAmAliveTime;
    $q$
),
(
    -- Per-row clean-up: deletes the Dead row only if it is still exactly what the provider read.
    'CleanupDefunctSiloEntryKey',
    $q$
    DELETE FROM orleans_membership AS m
    WHERE m.deployment_id = @DeploymentId
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
      AND m.status = 6
      AND m.start_time = @StartTime
      AND m.i_am_alive_time = @IAmAliveTime
      AND COALESCE(m.suspect_times, '') = COALESCE(@SuspectTimes, '');
    $q$
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
