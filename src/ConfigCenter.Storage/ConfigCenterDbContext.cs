using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ConfigCenter.Storage;

/// <summary>Everything an admin did: apps, drafts, releases, users, keys, audit and the outbox.</summary>
public sealed class ConfigCenterDbContext(DbContextOptions<ConfigCenterDbContext> options) : DbContext(options)
{
    public DbSet<AppEntity> Apps => Set<AppEntity>();
    public DbSet<EnvironmentEntity> Environments => Set<EnvironmentEntity>();
    public DbSet<NamespaceEntity> Namespaces => Set<NamespaceEntity>();
    public DbSet<DraftEntity> Drafts => Set<DraftEntity>();
    public DbSet<DraftItemEntity> DraftItems => Set<DraftItemEntity>();
    public DbSet<ReleaseEntity> Releases => Set<ReleaseEntity>();
    public DbSet<OutboxEntity> Outbox => Set<OutboxEntity>();
    public DbSet<UserEntity> Users => Set<UserEntity>();
    public DbSet<ApiKeyEntity> ApiKeys => Set<ApiKeyEntity>();
    public DbSet<AppMemberEntity> AppMembers => Set<AppMemberEntity>();
    public DbSet<PublisherGrantEntity> PublisherGrants => Set<PublisherGrantEntity>();
    public DbSet<PersonalTokenEntity> PersonalTokens => Set<PersonalTokenEntity>();
    public DbSet<AuditEntity> Audit => Set<AuditEntity>();
    public DbSet<ReleaseRequestEntity> ReleaseRequests => Set<ReleaseRequestEntity>();
    public DbSet<ServerSecretEntity> ServerSecrets => Set<ServerSecretEntity>();
    public DbSet<EnvironmentSecretKeyEntity> EnvironmentSecretKeys => Set<EnvironmentSecretKeyEntity>();
    public DbSet<SignInCounterEntity> SignInCounters => Set<SignInCounterEntity>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset stored as text; store UTC ticks instead.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ConfigCenterDbContext).Assembly);
}
