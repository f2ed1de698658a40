using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class ReleaseConfiguration : IEntityTypeConfiguration<ReleaseEntity>
{
    public void Configure(EntityTypeBuilder<ReleaseEntity> builder)
    {
        builder.ToTable("Releases");
        // The unique index makes two racing publishes of one namespace fail instead of sharing a revision.
        builder.HasIndex(r => new { r.AppId, r.EnvironmentId, r.Namespace, r.Revision }).IsUnique();
        builder.HasIndex(r => r.PublishedAt);
        builder.Property(r => r.Format).HasMaxLength(16).HasConversion(NamespaceFormatConverter.Instance);
        builder.Property(r => r.Generation).HasMaxLength(32).HasDefaultValue("");
        builder.Property(r => r.SecretKeysJson).HasDefaultValue("");
    }
}
