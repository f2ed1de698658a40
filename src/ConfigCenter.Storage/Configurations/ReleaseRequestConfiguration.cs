using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class ReleaseRequestConfiguration : IEntityTypeConfiguration<ReleaseRequestEntity>
{
    public void Configure(EntityTypeBuilder<ReleaseRequestEntity> builder)
    {
        builder.ToTable("ReleaseRequests");
        builder.Property(r => r.AppId).HasMaxLength(63);
        builder.Property(r => r.EnvironmentId).HasMaxLength(63);
        builder.Property(r => r.Namespace).HasMaxLength(63);
        builder.Property(r => r.Generation).HasMaxLength(32);
        builder.Property(r => r.Format).HasMaxLength(16).HasConversion(NamespaceFormatConverter.Instance);
        // Deciding a request updates it only while it still has the status the decider read: two decisions cannot both win.
        builder.Property(r => r.Status).HasMaxLength(16).IsConcurrencyToken();
        builder.Property(r => r.Author).HasMaxLength(200);
        builder.Property(r => r.DecidedBy).HasMaxLength(200);
        // The reviews page lists pending requests; a namespace's page lists its own.
        builder.HasIndex(r => r.Status);
        builder.HasIndex(r => new { r.AppId, r.EnvironmentId, r.Namespace });
    }
}
