using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConfigCenter.Storage.Configurations;

internal sealed class AuditConfiguration : IEntityTypeConfiguration<AuditEntity>
{
    public void Configure(EntityTypeBuilder<AuditEntity> builder)
    {
        // The triggers (created by the AuditHashChain migration) chain each inserted row and refuse updates and deletes of chained rows.
        builder.ToTable("Audit", t =>
        {
            t.HasTrigger(AuditChainHash.ChainTrigger);
            t.HasTrigger(AuditChainHash.NoUpdateTrigger);
            t.HasTrigger(AuditChainHash.NoDeleteTrigger);
        });
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => a.Actor);
        builder.HasIndex(a => a.Action);
        builder.Property(a => a.Address).HasMaxLength(64);
        builder.Property(a => a.PrevHash).HasMaxLength(64);
        builder.Property(a => a.Hash).HasMaxLength(64);
    }
}
