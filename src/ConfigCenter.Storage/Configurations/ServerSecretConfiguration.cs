using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class ServerSecretConfiguration : IEntityTypeConfiguration<ServerSecretEntity>
{
    public void Configure(EntityTypeBuilder<ServerSecretEntity> builder)
    {
        builder.ToTable("ServerSecrets");
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(200);
    }
}
