using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class DraftItemConfiguration : IEntityTypeConfiguration<DraftItemEntity>
{
    public void Configure(EntityTypeBuilder<DraftItemEntity> builder)
    {
        builder.ToTable("DraftItems");
        builder.Property(i => i.Key).HasMaxLength(512);
        builder.Property(i => i.NormalizedKey).HasMaxLength(512);
        builder.HasIndex(i => new { i.DraftId, i.NormalizedKey }).IsUnique();
    }
}
