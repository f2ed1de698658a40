using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ConfigCenter.Migrations;

/// <summary>Lets `dotnet ef migrations add` build the context without starting the server.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ConfigCenterDbContext>
{
    public ConfigCenterDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ConfigCenterDbContext>()
            .UseSqlite("Data Source=design.db", o => o.MigrationsAssembly(typeof(DesignTimeDbContextFactory).Assembly.GetName().Name))
            .Options);
}
