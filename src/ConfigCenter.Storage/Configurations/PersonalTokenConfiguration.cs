using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class PersonalTokenConfiguration : IEntityTypeConfiguration<PersonalTokenEntity>
{
    public void Configure(EntityTypeBuilder<PersonalTokenEntity> builder)
    {
        builder.ToTable("PersonalTokens");
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.UserId);
        builder.HasOne<UserEntity>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
