using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConfigCenter.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ReleaseRequestSecretKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SecretKeysJson",
                table: "ReleaseRequests",
                type: "TEXT",
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SecretKeysJson",
                table: "ReleaseRequests");
        }
    }
}
