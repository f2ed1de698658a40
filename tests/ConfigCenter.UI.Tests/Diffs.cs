using ConfigCenter.Core;

namespace ConfigCenter.UI.Tests;

internal static class Diffs
{
    public static ItemsDiff Between(Dictionary<string, string?> before, Dictionary<string, string?> after) => ItemsDiffer.Compare(before, after);

    public static Dictionary<string, string?> Items(params (string Key, string? Value)[] items) => items.ToDictionary(i => i.Key, i => i.Value);
}
