using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class DraftConfiguration : IEntityTypeConfiguration<DraftEntity>
{
    public void Configure(EntityTypeBuilder<DraftEntity> builder)
    {
        builder.ToTable("Drafts");
        builder.HasIndex(d => new { d.AppId, d.EnvironmentId, d.Namespace }).IsUnique();
        // Every edit bumps Version; EF adds it to the UPDATE's WHERE so a racing writer gets a conflict.
        builder.Property(d => d.Version).IsConcurrencyToken();
        builder.HasMany(d => d.Items).WithOne().HasForeignKey(i => i.DraftId).OnDelete(DeleteBehavior.Cascade);
    }
}
