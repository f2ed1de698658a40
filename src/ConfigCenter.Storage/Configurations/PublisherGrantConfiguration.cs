using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class PublisherGrantConfiguration : IEntityTypeConfiguration<PublisherGrantEntity>
{
    public void Configure(EntityTypeBuilder<PublisherGrantEntity> builder)
    {
        builder.ToTable("PublisherGrants");
        builder.Property(g => g.EnvironmentId).HasMaxLength(100);
        builder.Property(g => g.AppId).HasMaxLength(100);
        builder.HasIndex(g => new { g.UserId, g.EnvironmentId, g.AppId });
        builder.HasOne<UserEntity>().WithMany().HasForeignKey(g => g.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
