using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Hosting;

/// <summary>
/// The store: SQLite in the locked data directory (one server), or PostgreSQL shared by any number of replicas
/// (docs/scale-out.md). Everything is resolved lazily from options, so test hosts and command-line settings apply.
/// </summary>
internal static class StoreServiceCollectionExtensions
{
    public const string SqliteMigrationsAssembly = "ConfigCenter.Migrations";
    public const string PostgresMigrationsAssembly = "ConfigCenter.Migrations.Postgres";

    public static IServiceCollection AddConfigCenterStore(this IServiceCollection services)
    {
        // Only the SQLite store uses (and locks) the data directory: replicas on PostgreSQL share no directory.
        services.AddSingleton<DataDirectory>();
        services.AddSingleton<SharedSecrets>();
        services.AddPooledDbContextFactory<ConfigCenterDbContext>((sp, o) =>
        {
            var store = sp.GetRequiredService<IOptions<ConfigCenterServerOptions>>().Value.Store;
            if (store.IsPostgres)
            {
                o.UseNpgsql(store.ConnectionString, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly));
                return;
            }
            o.UseSqlite($"Data Source={sp.GetRequiredService<DataDirectory>().File(DataDirectory.DatabaseFileName)};Pooling=True",
                sqlite => sqlite.MigrationsAssembly(SqliteMigrationsAssembly)).AddInterceptors(new SqlitePragmas());
        });
        // The first hosted service: data protection loads its key ring at start, from the database on PostgreSQL, whose
        // tables the initializer's migrations create.
        services.AddHostedService<DatabaseInitializer>();
        services.AddDataProtection().SetApplicationName("ConfigCenter");
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
            o.XmlRepository = sp.GetRequiredService<IOptions<ConfigCenterServerOptions>>().Value.Store.IsPostgres
                ? sp.GetRequiredService<SharedSecrets>()
                : new FileSystemXmlRepository(new DirectoryInfo(sp.GetRequiredService<DataDirectory>().File(DataDirectory.KeysDirectoryName)),
                    NullLoggerFactory.Instance));
        return services;
    }
}
