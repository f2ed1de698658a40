namespace ConfigCenter.Gateway.Routes;

/// <summary>
/// The flat items of a namespace (<c>Routes:orders:Match:Path</c> = value) as a tree whose children compare
/// case-insensitively, as configuration keys do.
/// </summary>
internal sealed class ItemTree
{
    private readonly Dictionary<string, ItemTree> _children = new(StringComparer.OrdinalIgnoreCase);

    private ItemTree(string path, string name)
    {
        Path = path;
        Name = name;
    }

    public string Path { get; }

    public string Name { get; }

    public string? Value { get; private set; }

    public IEnumerable<ItemTree> Children => _children.Values;

    public static ItemTree Build(IEnumerable<KeyValuePair<string, string?>> items)
    {
        var root = new ItemTree("", "");
        foreach (var (key, value) in items)
        {
            var node = root;
            foreach (var segment in key.Split(':'))
            {
                if (!node._children.TryGetValue(segment, out var child))
                {
                    child = new ItemTree(node.Path.Length == 0 ? segment : $"{node.Path}:{segment}", segment);
                    node._children.Add(segment, child);
                }
                node = child;
            }
            node.Value = value;
        }
        return root;
    }

    public ItemTree? this[string name] => _children.GetValueOrDefault(name);

    public string ChildPath(string name) => Path.Length == 0 ? name : $"{Path}:{name}";

    /// <summary>Children in array order (<c>0</c>, <c>1</c>, …), or null when a child name is not an index.</summary>
    public IReadOnlyList<ItemTree>? AsArray()
    {
        var indexed = new List<(int Index, ItemTree Node)>();
        foreach (var child in _children.Values)
        {
            if (!int.TryParse(child.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)) return null;
            indexed.Add((index, child));
        }
        return [.. indexed.OrderBy(i => i.Index).Select(i => i.Node)];
    }
}
