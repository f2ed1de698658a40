using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConfigCenter.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class FourEyesReleaseRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "EmergencyReason",
                table: "Releases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RequestedBy",
                table: "Releases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RequiresReview",
                table: "Environments",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "ReleaseRequests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AppId = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    EnvironmentId = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    Namespace = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    Generation = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    BaseRevision = table.Column<long>(type: "INTEGER", nullable: false),
                    Format = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ItemsJson = table.Column<string>(type: "TEXT", nullable: false),
                    Content = table.Column<string>(type: "TEXT", nullable: false),
                    CommentsJson = table.Column<string>(type: "TEXT", nullable: false),
                    DiffJson = table.Column<string>(type: "TEXT", nullable: false),
                    Message = table.Column<string>(type: "TEXT", nullable: false),
                    Author = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Comment = table.Column<string>(type: "TEXT", nullable: true),
                    ReleaseRevision = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReleaseRequests", x => x.Id);
                });

            migrationBuilder.UpdateData(
                table: "Environments",
                keyColumn: "Id",
                keyValue: "dev",
                column: "RequiresReview",
                value: false);

            migrationBuilder.UpdateData(
                table: "Environments",
                keyColumn: "Id",
                keyValue: "prod",
                column: "RequiresReview",
                value: false);

            migrationBuilder.UpdateData(
                table: "Environments",
                keyColumn: "Id",
                keyValue: "test",
                column: "RequiresReview",
                value: false);

            migrationBuilder.CreateIndex(
                name: "IX_ReleaseRequests_AppId_EnvironmentId_Namespace",
                table: "ReleaseRequests",
                columns: new[] { "AppId", "EnvironmentId", "Namespace" });

            migrationBuilder.CreateIndex(
                name: "IX_ReleaseRequests_Status",
                table: "ReleaseRequests",
                column: "Status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReleaseRequests");

            migrationBuilder.DropColumn(
                name: "EmergencyReason",
                table: "Releases");

            migrationBuilder.DropColumn(
                name: "RequestedBy",
                table: "Releases");

            migrationBuilder.DropColumn(
                name: "RequiresReview",
                table: "Environments");
        }
    }
}
