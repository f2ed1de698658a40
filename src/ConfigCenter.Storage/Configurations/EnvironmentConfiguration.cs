using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class EnvironmentConfiguration : IEntityTypeConfiguration<EnvironmentEntity>
{
    public void Configure(EntityTypeBuilder<EnvironmentEntity> builder)
    {
        builder.ToTable("Environments");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasMaxLength(63);
        builder.Property(e => e.Name).HasMaxLength(200);
        builder.HasData(
            new EnvironmentEntity { Id = "dev", Name = "Development", SortOrder = 0 },
            new EnvironmentEntity { Id = "test", Name = "Test", SortOrder = 1 },
            new EnvironmentEntity { Id = "prod", Name = "Production", SortOrder = 2 });
    }
}
