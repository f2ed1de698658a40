using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class AppConfiguration : IEntityTypeConfiguration<AppEntity>
{
    public void Configure(EntityTypeBuilder<AppEntity> builder)
    {
        builder.ToTable("Apps");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasMaxLength(63);
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.Property(a => a.Description).HasMaxLength(2000);
        builder.HasMany(a => a.Namespaces).WithOne().HasForeignKey(n => n.AppId).OnDelete(DeleteBehavior.Cascade);
    }
}
