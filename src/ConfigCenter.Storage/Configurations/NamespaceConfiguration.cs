using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class NamespaceConfiguration : IEntityTypeConfiguration<NamespaceEntity>
{
    public void Configure(EntityTypeBuilder<NamespaceEntity> builder)
    {
        builder.ToTable("Namespaces");
        builder.Property(n => n.Name).HasMaxLength(63);
        builder.Property(n => n.Format).HasMaxLength(16).HasConversion(NamespaceFormatConverter.Instance);
        builder.Property(n => n.Generation).HasMaxLength(32).HasDefaultValue("");
        builder.HasIndex(n => new { n.AppId, n.Name }).IsUnique();
    }
}
