using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class OutboxConfiguration : IEntityTypeConfiguration<OutboxEntity>
{
    public void Configure(EntityTypeBuilder<OutboxEntity> builder)
    {
        builder.ToTable("Outbox");
        builder.HasIndex(o => o.DeliveredAt);
        builder.HasIndex(o => o.ParkedAt);
        builder.Property(o => o.Generation).HasMaxLength(32).HasDefaultValue("");
        // "00-" + 32 hex trace id + "-" + 16 hex span id + "-" + 2 hex flags.
        builder.Property(o => o.TraceParent).HasMaxLength(55);
    }
}
