using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace ConfigCenter.Contracts;

/// <summary>
/// The wire form of a secret value: <c>ccsecret:v1:&lt;keyId&gt;:&lt;base64url(nonce | ciphertext | tag)&gt;</c>, AES-256-GCM under
/// an environment's key. The associated data binds the app, environment, namespace and item key, so an envelope copied to
/// another key does not open. Sealing is deterministic (the nonce is an HMAC of the associated data and the plaintext under
/// a subkey), so the same release always yields the same document bytes and the same checksum.
/// </summary>
public static class SecretEnvelope
{
    /// <summary>The prefix every envelope starts with.</summary>
    public const string Prefix = "ccsecret:v1:";

    /// <summary>The length of an environment key in bytes (AES-256).</summary>
    public const int KeyLength = 32;

    private const int NonceLength = 12;
    private const int TagLength = 16;

    /// <summary>The key id: the first 8 lowercase hex characters of SHA-256 of the key.</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> key) => Convert.ToHexStringLower(SHA256.HashData(key))[..8];

    /// <summary>Encrypts <paramref name="plaintext"/> for item <paramref name="itemKey"/> of a namespace; the same inputs give the same envelope.</summary>
    public static string Seal(ReadOnlySpan<byte> key, string app, string environment, string ns, string itemKey, string plaintext)
    {
        CheckKey(key);
        ArgumentNullException.ThrowIfNull(plaintext);
        var associated = AssociatedData(app, environment, ns, itemKey);
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceLength + clear.Length + TagLength];
        var nonce = output.AsSpan(0, NonceLength);
        using (var mac = new HMACSHA256(Subkey(key, "nonce"u8)))
        {
            mac.TransformBlock(LengthPrefixed(associated), 0, associated.Length + 4, null, 0);
            mac.TransformFinalBlock(clear, 0, clear.Length);
            mac.Hash.AsSpan(0, NonceLength).CopyTo(nonce);
        }
        using (var aes = new AesGcm(Subkey(key, "encrypt"u8), TagLength))
        {
            aes.Encrypt(nonce, clear, output.AsSpan(NonceLength, clear.Length), output.AsSpan(NonceLength + clear.Length), associated);
        }
        CryptographicOperations.ZeroMemory(clear);
        return Prefix + KeyIdOf(key) + ":" + Base64Url.EncodeToString(output);
    }

    /// <summary>True when <paramref name="value"/> has the envelope form; <paramref name="keyId"/> is the key it was sealed with.</summary>
    public static bool TryGetKeyId(string? value, [NotNullWhen(true)] out string? keyId)
    {
        keyId = null;
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var rest = value.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0) return false;
        keyId = rest[..colon].ToString();
        return true;
    }

    /// <summary>
    /// Decrypts an envelope with whichever of <paramref name="keys"/> (by key id) sealed it. False with a reason (naming the key id,
    /// never the value) when the key is missing, the envelope is malformed, or it belongs to another item.
    /// </summary>
    public static bool TryOpen(IReadOnlyDictionary<string, byte[]> keys, string app, string environment, string ns, string itemKey,
        string? envelope, [NotNullWhen(true)] out string? plaintext, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(keys);
        plaintext = null;
        if (!TryGetKeyId(envelope, out var keyId))
        {
            error = $"the value of '{itemKey}' is not a ConfigCenter secret envelope";
            return false;
        }
        if (!keys.TryGetValue(keyId, out var key))
        {
            error = $"the value of '{itemKey}' is encrypted with key id {keyId}, which is not configured";
            return false;
        }
        byte[] sealedBytes;
        try
        {
            sealedBytes = Base64Url.DecodeFromChars(envelope.AsSpan(Prefix.Length + keyId.Length + 1));
        }
        catch (FormatException)
        {
            error = $"the envelope of '{itemKey}' (key id {keyId}) is not valid base64url";
            return false;
        }
        if (sealedBytes.Length < NonceLength + TagLength)
        {
            error = $"the envelope of '{itemKey}' (key id {keyId}) is too short";
            return false;
        }
        var length = sealedBytes.Length - NonceLength - TagLength;
        var clear = new byte[length];
        try
        {
            using var aes = new AesGcm(Subkey(key, "encrypt"u8), TagLength);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceLength), sealedBytes.AsSpan(NonceLength, length), sealedBytes.AsSpan(NonceLength + length),
                clear, AssociatedData(app, environment, ns, itemKey));
        }
        catch (AuthenticationTagMismatchException)
        {
            error = $"the envelope of '{itemKey}' (key id {keyId}) does not decrypt for {app}/{environment}/{ns}: it was altered or belongs to another key";
            return false;
        }
        plaintext = Encoding.UTF8.GetString(clear);
        CryptographicOperations.ZeroMemory(clear);
        error = null;
        return true;
    }

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyLength) throw new ArgumentException($"A ConfigCenter secret key is {KeyLength} bytes; this one is {key.Length}.", nameof(key));
    }

    private static byte[] Subkey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> purpose) => HMACSHA256.HashData(key, purpose);

    private static byte[] AssociatedData(string app, string environment, string ns, string itemKey)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(itemKey);
        // Length-prefixed parts: "a" + "bc" and "ab" + "c" must not bind the same way.
        var parts = new[] { "ccsecret:v1", app, environment, ns, itemKey }.Select(Encoding.UTF8.GetBytes).ToArray();
        var result = new byte[parts.Sum(p => p.Length + 4)];
        var offset = 0;
        foreach (var part in parts)
        {
            BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(offset), part.Length);
            part.CopyTo(result, offset + 4);
            offset += part.Length + 4;
        }
        return result;
    }

    private static byte[] LengthPrefixed(byte[] data)
    {
        var result = new byte[data.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(result, data.Length);
        data.CopyTo(result, 4);
        return result;
    }
}
