using System.Security.Cryptography;

namespace ConfigCenter.Contracts;

/// <summary>
/// Which of two releases of one namespace is newer. Within a generation the higher revision wins; a newer
/// generation (the namespace was deleted and created again) wins whatever its revision.
/// </summary>
public static class ReleaseOrder
{
    /// <summary>True when <paramref name="candidate"/> should replace <paramref name="current"/> (null = nothing yet).</summary>
    public static bool IsNewer(ReleaseDocument candidate, ReleaseDocument? current) =>
        current is null || IsNewer(candidate.Generation, candidate.Revision, current.Generation, current.Revision);

    /// <summary>True when (<paramref name="generation"/>, <paramref name="revision"/>) is newer than the known pair.</summary>
    public static bool IsNewer(string generation, long revision, string knownGeneration, long knownRevision)
    {
        var byGeneration = string.CompareOrdinal(generation, knownGeneration);
        return byGeneration != 0 ? byGeneration > 0 : revision > knownRevision;
    }

    /// <summary>
    /// A new generation id: 12 hex digits of Unix milliseconds, then 8 random hex digits, so ids sort ordinally
    /// by creation time and two namespaces created in the same millisecond still differ.
    /// </summary>
    public static string NewGeneration(DateTimeOffset now) =>
        now.ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture)
        + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>The HTTP entity tag of a release: <c>"{revision}"</c>, or <c>"{revision}.{generation}"</c> when it has one.</summary>
    public static string ETag(string generation, long revision) =>
        generation.Length == 0 ? $"\"{revision}\"" : $"\"{revision}.{generation}\"";
}
