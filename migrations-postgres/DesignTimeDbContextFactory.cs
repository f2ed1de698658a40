using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ConfigCenter.Migrations.Postgres;

/// <summary>Lets `dotnet ef migrations add` build the context for PostgreSQL without a database (it never connects).</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ConfigCenterDbContext>
{
    public ConfigCenterDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ConfigCenterDbContext>()
            .UseNpgsql("Host=localhost;Database=configcenter_design",
                o => o.MigrationsAssembly(typeof(DesignTimeDbContextFactory).Assembly.GetName().Name))
            .Options);
}
