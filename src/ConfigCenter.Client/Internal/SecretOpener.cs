using System.Collections.Concurrent;
using ConfigCenter.Contracts;

namespace ConfigCenter.Client.Internal;

/// <summary>
/// Opens the secret envelopes of release documents with the keys from <see cref="ConfigCenterOptions.SecretKeys"/>. The
/// documents themselves (in memory, in the cache file) stay sealed; only the data handed to configuration is in clear.
/// A release that cannot be opened is refused as a whole, so ciphertext never reaches configuration.
/// </summary>
internal sealed class SecretOpener
{
    private readonly Dictionary<string, byte[]> _keys;

    public SecretOpener(IEnumerable<string> base64Keys)
    {
        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var text in base64Keys)
        {
            if (TryParseKey(text, out var key)) _keys[SecretEnvelope.KeyIdOf(key)] = key;
        }
    }

    /// <summary>The namespaces whose newest release was refused because it could not be opened, with the reason.</summary>
    public ConcurrentDictionary<string, string> Failures { get; } = new(StringComparer.Ordinal);

    public static bool TryParseKey(string? text, out byte[] key)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(text)) return false;
        var buffer = new byte[SecretEnvelope.KeyLength + 3];
        if (!Convert.TryFromBase64String(text.Trim(), buffer, out var written) || written != SecretEnvelope.KeyLength) return false;
        key = buffer[..written];
        return true;
    }

    /// <summary>The document's items with its secrets in clear; false with a sentence naming the namespace and key id otherwise.</summary>
    public bool TryOpen(ReleaseDocument document, out IReadOnlyDictionary<string, string?> items, out string? error)
    {
        items = document.Items;
        error = null;
        if (document.SecretKeys.Count == 0) return true;
        var opened = new Dictionary<string, string?>(document.Items, StringComparer.Ordinal);
        foreach (var key in document.SecretKeys)
        {
            if (!document.Items.TryGetValue(key, out var envelope) || envelope is null) continue;
            if (!SecretEnvelope.TryOpen(_keys, document.App, document.Environment, document.Namespace, key, envelope, out var plain, out var reason))
            {
                SecretEnvelope.TryGetKeyId(envelope, out var keyId);
                error = $"ConfigCenter cannot decrypt the secrets of namespace '{document.Namespace}' ({document.App}/{document.Environment} r{document.Revision}): " +
                        $"{reason}. Add the environment's key (key id {keyId ?? "unknown"}) to ConfigCenter:SecretKeys; an admin reads it at " +
                        $"GET /api/v1/environments/{document.Environment}/secret-key. The last good values stay in place.";
                return false;
            }
            opened[key] = plain;
        }
        items = opened;
        return true;
    }
}
