using System.Text;
using Microsoft.Extensions.Configuration;

namespace ConfigCenter.Core.Tests;

/// <summary>What Microsoft.Extensions.Configuration.Json itself makes of a document: the reference.</summary>
internal static class JsonProvider
{
    public static Dictionary<string, string?> Load(string json)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var root = new ConfigurationBuilder().AddJsonStream(stream).Build();
        var provider = root.Providers.Single();

        // AsEnumerable also lists parent sections ("A" for "A:B"); only keys the provider actually
        // stores are items, and TryGet tells them apart (it also finds stored nulls).
        var items = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, _) in root.AsEnumerable())
        {
            if (provider.TryGet(key, out var value))
            {
                items.Add(key, value);
            }
        }

        return items;
    }
}
