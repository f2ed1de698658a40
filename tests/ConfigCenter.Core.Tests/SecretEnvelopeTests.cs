using System.Security.Cryptography;
using System.Text.Json;
using ConfigCenter.Contracts;

namespace ConfigCenter.Core.Tests;

/// <summary>The secret envelope wire format: AES-256-GCM, deterministic, bound to app/env/namespace/key.</summary>
public sealed class SecretEnvelopeTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(SecretEnvelope.KeyLength);
    private static readonly Dictionary<string, byte[]> Keys = new() { [SecretEnvelope.KeyIdOf(Key)] = Key };

    [Fact]
    public void Seal_ThenOpen_RoundTrips_AndNamesTheKeyId()
    {
        var envelope = SecretEnvelope.Seal(Key, "orders", "prod", "database", "Db:Password", "pässword ✓");

        Assert.StartsWith($"ccsecret:v1:{SecretEnvelope.KeyIdOf(Key)}:", envelope, StringComparison.Ordinal);
        Assert.Equal(8, SecretEnvelope.KeyIdOf(Key).Length);
        Assert.DoesNotContain("ssword", envelope, StringComparison.Ordinal);
        Assert.True(SecretEnvelope.TryOpen(Keys, "orders", "prod", "database", "Db:Password", envelope, out var plain, out var error), error);
        Assert.Equal("pässword ✓", plain);
    }

    [Fact]
    public void Seal_IsDeterministic_ForTheSameInputs_AndDiffersForAnyOtherInput()
    {
        var a = SecretEnvelope.Seal(Key, "orders", "prod", "database", "Db:Password", "x");

        Assert.Equal(a, SecretEnvelope.Seal(Key, "orders", "prod", "database", "Db:Password", "x"));
        Assert.NotEqual(a, SecretEnvelope.Seal(Key, "orders", "prod", "database", "Db:Password", "y"));
        Assert.NotEqual(a, SecretEnvelope.Seal(Key, "orders", "prod", "database", "Db:Other", "x"));
        Assert.NotEqual(a, SecretEnvelope.Seal(RandomNumberGenerator.GetBytes(32), "orders", "prod", "database", "Db:Password", "x"));
    }

    [Theory]
    [InlineData("billing", "prod", "database", "Db:Password")]
    [InlineData("orders", "dev", "database", "Db:Password")]
    [InlineData("orders", "prod", "cache", "Db:Password")]
    [InlineData("orders", "prod", "database", "Db:Other")]
    [InlineData("orders", "prod", "databas", "eDb:Password")]
    public void AnEnvelopeMovedToAnotherItem_DoesNotOpen(string app, string env, string ns, string key)
    {
        var envelope = SecretEnvelope.Seal(Key, "orders", "prod", "database", "Db:Password", "x");

        Assert.False(SecretEnvelope.TryOpen(Keys, app, env, ns, key, envelope, out _, out var error));
        Assert.Contains("altered or belongs to another key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTheKey_OrTampered_OpenFailsWithAReasonNamingTheKeyId()
    {
        var envelope = SecretEnvelope.Seal(Key, "orders", "prod", "database", "Db:Password", "x");
        var keyId = SecretEnvelope.KeyIdOf(Key);

        Assert.False(SecretEnvelope.TryOpen(new Dictionary<string, byte[]>(), "orders", "prod", "database", "Db:Password", envelope, out _, out var missing));
        Assert.Contains(keyId, missing, StringComparison.Ordinal);
        var tampered = envelope[..^2] + (envelope[^2] == 'A' ? "B" : "A") + envelope[^1];
        Assert.False(SecretEnvelope.TryOpen(Keys, "orders", "prod", "database", "Db:Password", tampered, out _, out _));
        Assert.False(SecretEnvelope.TryOpen(Keys, "orders", "prod", "database", "Db:Password", "plain value", out _, out _));
    }

    [Fact]
    public void ReleaseDocument_WithoutSecretKeys_ReadsAsEmpty_AndTheChecksumCoversTheEnvelopes()
    {
        const string Old = """{"schema":1,"app":"a","environment":"dev","namespace":"n","revision":1,"format":"properties","publishedAt":"2026-11-25T10:00:00Z","publishedBy":"x","checksum":"sha256:0","items":{}}""";
        Assert.Empty(JsonSerializer.Deserialize(Old, ContractsJsonContext.Default.ReleaseDocument)!.SecretKeys);

        var items = new Dictionary<string, string?> { ["K"] = SecretEnvelope.Seal(Key, "a", "dev", "n", "K", "v") };
        var document = new ReleaseDocument
        {
            App = "a", Environment = "dev", Namespace = "n", Revision = 1, Format = "properties", PublishedAt = DateTimeOffset.UnixEpoch,
            PublishedBy = "x", Checksum = ReleaseChecksum.Compute(items), Items = items, SecretKeys = ["K"],
        };
        var roundTripped = JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(document, ContractsJsonContext.Wire.ReleaseDocument),
            ContractsJsonContext.Default.ReleaseDocument)!;
        Assert.Equal(["K"], roundTripped.SecretKeys);
        Assert.True(ReleaseChecksum.Verify(roundTripped));
    }
}
