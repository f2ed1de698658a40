using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConfigCenter.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class SecretItemsAndEnvironmentKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SecretKeysJson",
                table: "Releases",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "IsSecret",
                table: "DraftItems",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "EnvironmentSecretKeys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EnvironmentId = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ProtectedKey = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RetiredAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EnvironmentSecretKeys", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EnvironmentSecretKeys_EnvironmentId",
                table: "EnvironmentSecretKeys",
                column: "EnvironmentId",
                unique: true,
                filter: "\"RetiredAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_EnvironmentSecretKeys_EnvironmentId_KeyId",
                table: "EnvironmentSecretKeys",
                columns: new[] { "EnvironmentId", "KeyId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EnvironmentSecretKeys");

            migrationBuilder.DropColumn(
                name: "SecretKeysJson",
                table: "Releases");

            migrationBuilder.DropColumn(
                name: "IsSecret",
                table: "DraftItems");
        }
    }
}
