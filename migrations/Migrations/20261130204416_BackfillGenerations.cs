using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConfigCenter.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class BackfillGenerations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A migration of its own, after the Outbox table was rebuilt. Namespaces that exist before generations get one that sorts before every new one (zero time part),
            // and their releases the same; outbox documents become the bytes they always were.
            migrationBuilder.Sql("UPDATE Namespaces SET Generation = '000000000000' || lower(hex(randomblob(4)));");
            migrationBuilder.Sql("UPDATE Releases SET Generation = COALESCE((SELECT n.Generation FROM Namespaces n WHERE n.AppId = Releases.AppId AND n.Name = Releases.Namespace), '');");
            migrationBuilder.Sql("UPDATE Outbox SET Document = CAST(Document AS BLOB);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
