using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class EnvironmentSecretKeyConfiguration : IEntityTypeConfiguration<EnvironmentSecretKeyEntity>
{
    public void Configure(EntityTypeBuilder<EnvironmentSecretKeyEntity> builder)
    {
        builder.ToTable("EnvironmentSecretKeys");
        builder.Property(k => k.EnvironmentId).HasMaxLength(63);
        builder.Property(k => k.KeyId).HasMaxLength(16);
        builder.HasIndex(k => new { k.EnvironmentId, k.KeyId }).IsUnique();
        // One current key per environment: two servers creating the first key at once cannot both win.
        builder.HasIndex(k => k.EnvironmentId).IsUnique().HasFilter("\"RetiredAt\" IS NULL");
    }
}
