using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class SignInCounterConfiguration : IEntityTypeConfiguration<SignInCounterEntity>
{
    public void Configure(EntityTypeBuilder<SignInCounterEntity> builder)
    {
        builder.ToTable("SignInCounters");
        builder.HasKey(c => c.Key);
        builder.Property(c => c.Key).HasMaxLength(SignInCounterKeys.MaxLength);
    }
}
