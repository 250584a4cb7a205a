-- 0001_orleans_main.sql
--
-- Query registry for the Orleans ADO.NET providers (clustering, grain storage, reminders).
--
-- The Microsoft.Orleans.*.AdoNet packages ship no SQL. At start-up each provider runs
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- and afterwards only ever executes the QueryText it found under the keys it knows. That makes
-- this table the whole contract between the providers and our schema:
--   * the provider binds parameters by name (@DeploymentId, @GrainIdHash, ...), so every query
--     must use exactly the parameter names the provider sends;
--   * the provider reads result columns by name (case-insensitively through Npgsql), so every
--     SELECT aliases its columns to the names the provider expects ("Version", "PayloadBinary", ...);
--   * everything behind the query text (table names, column names, types, indexes, functions)
--     is ours to choose. Scripts 0002-0004 use snake_case tables prefixed with orleans_.
--
-- Every script in this folder is applied by Vouchers.Silo.Persistence.SchemaMigrator inside one
-- transaction and must be safe to run again: IF NOT EXISTS for tables and indexes,
-- CREATE OR REPLACE for functions, and upserts for query texts.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,

    CONSTRAINT pk_orleans_query PRIMARY KEY (QueryKey),
    CONSTRAINT ck_orleans_query_text_not_blank CHECK (length(btrim(QueryText)) > 0)
);

COMMENT ON TABLE OrleansQuery IS
    'Query texts executed by the Orleans ADO.NET providers, keyed by the names the providers look up. Maintained by the 000N_orleans_*.sql migrations.';
