using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class AppMemberConfiguration : IEntityTypeConfiguration<AppMemberEntity>
{
    public void Configure(EntityTypeBuilder<AppMemberEntity> builder)
    {
        builder.ToTable("AppMembers");
        builder.Property(m => m.AppId).HasMaxLength(100);
        builder.Property(m => m.Role).HasMaxLength(20);
        builder.HasIndex(m => new { m.AppId, m.UserId }).IsUnique();
        builder.HasOne<UserEntity>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
