using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConfigCenter.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class AuditHashChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Address",
                table: "Audit",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "After",
                table: "Audit",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Before",
                table: "Audit",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "Audit",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "PrevHash",
                table: "Audit",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_Audit_Action",
                table: "Audit",
                column: "Action");

            migrationBuilder.CreateIndex(
                name: "IX_Audit_Actor",
                table: "Audit",
                column: "Actor");

            // The chain is computed by SQLite as each row is inserted (cc_audit_hash is registered on every server connection),
            // so rows are linked in commit order and the chain cannot fork. Rows that existed before this migration have an empty
            // Hash; the server chains them at start, before anything else writes (AuditChainSealer). A chained row cannot be
            // updated or deleted through SQL any more; verify (GET /api/v1/audit/verify) catches whoever drops these triggers first.
            migrationBuilder.Sql("""
                CREATE TRIGGER Audit_Chain AFTER INSERT ON Audit
                BEGIN
                    UPDATE Audit SET
                        PrevHash = COALESCE((SELECT p.Hash FROM Audit p WHERE p.Id < NEW.Id ORDER BY p.Id DESC LIMIT 1), ''),
                        Hash = cc_audit_hash(NEW.Id, NEW.At, NEW.Actor, NEW.Action, NEW.Target, NEW.Detail, NEW.Address, NEW.Before, NEW.After,
                            COALESCE((SELECT p.Hash FROM Audit p WHERE p.Id < NEW.Id ORDER BY p.Id DESC LIMIT 1), ''))
                    WHERE Id = NEW.Id;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Audit_NoUpdate BEFORE UPDATE ON Audit WHEN OLD.Hash <> ''
                BEGIN
                    SELECT RAISE(ABORT, 'The audit trail is append-only.');
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Audit_NoDelete BEFORE DELETE ON Audit WHEN OLD.Hash <> ''
                BEGIN
                    SELECT RAISE(ABORT, 'The audit trail is append-only.');
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Audit_Chain;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Audit_NoUpdate;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Audit_NoDelete;");

            migrationBuilder.DropIndex(
                name: "IX_Audit_Action",
                table: "Audit");

            migrationBuilder.DropIndex(
                name: "IX_Audit_Actor",
                table: "Audit");

            migrationBuilder.DropColumn(
                name: "Address",
                table: "Audit");

            migrationBuilder.DropColumn(
                name: "After",
                table: "Audit");

            migrationBuilder.DropColumn(
                name: "Before",
                table: "Audit");

            migrationBuilder.DropColumn(
                name: "Hash",
                table: "Audit");

            migrationBuilder.DropColumn(
                name: "PrevHash",
                table: "Audit");
        }
    }
}
