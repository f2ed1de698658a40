namespace ConfigCenter.Storage;

/// <summary>
/// What the PostgreSQL store needs beyond the EF model: the advisory lock start-up holds while it migrates, and the audit
/// hash chain as PL/pgSQL. The chain rule is <see cref="AuditChainHash.Compute"/>'s, so <c>/api/v1/audit/verify</c> checks
/// either store the same way.
/// </summary>
public static class PostgresStore
{
    /// <summary>Session advisory lock held by the replica that migrates and bootstraps; the others wait for it.</summary>
    public const long MigrationLockKey = 0x436f6e6643656e01;

    /// <summary>Transaction advisory lock every audit insert takes, so entries are numbered and chained in commit order.</summary>
    public const long AuditChainLockKey = 0x436f6e6643656e02;

    /// <summary>
    /// Creates or replaces the chain functions and triggers (idempotent; applied at every start after the migrations, so
    /// regenerating the PostgreSQL migrations cannot lose them). SQLite computes the chain in an AFTER INSERT trigger and
    /// relies on its single writer; PostgreSQL has many, so the BEFORE INSERT trigger takes a transaction advisory lock,
    /// and only then draws the row's id: ids follow commit order, the previous row by id is the one committed last, and
    /// the chain cannot fork however many replicas append at once. Needs PostgreSQL 14 (CREATE OR REPLACE TRIGGER).
    /// </summary>
    public static string AuditChainSql { get; } = $$"""
        CREATE OR REPLACE FUNCTION cc_netstring(field text) RETURNS text LANGUAGE sql IMMUTABLE AS
        $f$ SELECT octet_length(convert_to(field, 'UTF8'))::text || ':' || field || E'\n' $f$;

        CREATE OR REPLACE FUNCTION cc_audit_chain() RETURNS trigger LANGUAGE plpgsql AS $f$
        DECLARE
            prev text;
        BEGIN
            PERFORM pg_advisory_xact_lock({{AuditChainLockKey}});
            NEW."Id" := nextval(pg_get_serial_sequence('"Audit"', 'Id'));
            SELECT a."Hash" INTO prev FROM "Audit" a ORDER BY a."Id" DESC LIMIT 1;
            prev := COALESCE(prev, '');
            NEW."PrevHash" := prev;
            NEW."Hash" := encode(sha256(convert_to(
                cc_netstring(NEW."Id"::text) || cc_netstring(NEW."At"::text) || cc_netstring(NEW."Actor") ||
                cc_netstring(NEW."Action") || cc_netstring(NEW."Target") || cc_netstring(NEW."Detail") ||
                cc_netstring(NEW."Address") || cc_netstring(NEW."Before") || cc_netstring(NEW."After") ||
                cc_netstring(prev), 'UTF8')), 'hex');
            RETURN NEW;
        END
        $f$;

        CREATE OR REPLACE FUNCTION cc_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
            IF OLD."Hash" <> '' THEN
                RAISE EXCEPTION 'The audit trail is append-only.';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END
        $f$;

        CREATE OR REPLACE TRIGGER "{{AuditChainHash.ChainTrigger}}" BEFORE INSERT ON "Audit"
            FOR EACH ROW EXECUTE FUNCTION cc_audit_chain();
        CREATE OR REPLACE TRIGGER "{{AuditChainHash.NoUpdateTrigger}}" BEFORE UPDATE ON "Audit"
            FOR EACH ROW EXECUTE FUNCTION cc_audit_append_only();
        CREATE OR REPLACE TRIGGER "{{AuditChainHash.NoDeleteTrigger}}" BEFORE DELETE ON "Audit"
            FOR EACH ROW EXECUTE FUNCTION cc_audit_append_only();
        """;
}
