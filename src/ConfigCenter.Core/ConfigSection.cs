using System.Globalization;

namespace ConfigCenter.Core;

/// <summary>
/// A node of the tree rebuilt from flat keys for export: "A:B" becomes section A with child B.
/// Flat items can say things a document cannot (a key with a value and children, "A" and "A:B");
/// <see cref="Members"/> writes such children as "A:B" properties next to "A", which every
/// flattener concatenates back to the same keys.
/// </summary>
internal sealed class ConfigSection
{
    private readonly Dictionary<string, ConfigSection> _children = new(ConfigKeys.Comparer);

    private ConfigSection(string name) => Name = name;

    public string Name { get; }

    public bool HasValue { get; private set; }

    public string? Value { get; private set; }

    /// <summary>
    /// True when the children are exactly "0".."n-1" and each fits in an array slot, so the
    /// section is written as an array, as the JSON provider flattens arrays to those keys.
    /// </summary>
    public bool IsArray =>
        _children.Count > 0
        && _children.Values.All(c => !(c.HasValue && c._children.Count > 0))
        && Enumerable.Range(0, _children.Count).All(i => _children.ContainsKey(i.ToString(CultureInfo.InvariantCulture)));

    public static ConfigSection Build(IReadOnlyDictionary<string, string?> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (ConfigKeys.FindCaseConflict(items.Keys) is { } conflict)
        {
            throw new ArgumentException(conflict.Message, nameof(items));
        }

        var root = new ConfigSection("");
        foreach (var (key, value) in items)
        {
            var section = root;
            foreach (var segment in key.Split(':'))
            {
                if (!section._children.TryGetValue(segment, out var child))
                {
                    child = new ConfigSection(segment);
                    section._children.Add(segment, child);
                }

                section = child;
            }

            section.HasValue = true;
            section.Value = value;
        }

        return root;
    }

    /// <summary>Array elements in index order; only meaningful when <see cref="IsArray"/>.</summary>
    public IEnumerable<ConfigSection> Elements() =>
        Enumerable.Range(0, _children.Count).Select(i => _children[i.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>
    /// The properties to write for this section as an object, sorted by name. AsScalar means
    /// "write the section's value"; otherwise the section is written as an object or array.
    /// </summary>
    public IEnumerable<(string Name, ConfigSection Section, bool AsScalar)> Members()
    {
        foreach (var child in _children.Values.OrderBy(c => c.Name, ConfigKeys.Comparer))
        {
            if (child._children.Count == 0)
            {
                yield return (child.Name, child, true);
            }
            else if (!child.HasValue)
            {
                yield return (child.Name, child, false);
            }
            else
            {
                yield return (child.Name, child, true);
                foreach (var (name, section, asScalar) in child.Members())
                {
                    yield return (child.Name + ":" + name, section, asScalar);
                }
            }
        }
    }
}
