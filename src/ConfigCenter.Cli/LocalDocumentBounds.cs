using System.Globalization;
using System.Text;
using ConfigCenter.Core;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ConfigCenter.Cli;

/// <summary>
/// The server's document bounds (<see cref="DocumentLimits"/>) for files the CLI parses on this machine: a size checked
/// before the file is read, nesting and written nodes checked while streaming (YamlStream builds nodes recursively, so
/// 20,000 levels would overflow the stack and kill the process), and the node count and text size with every YAML alias
/// expanded, measured once per distinct node before anything walks the tree (an alias bomb is a few hundred bytes).
/// </summary>
internal static class LocalDocumentBounds
{
    /// <summary>The file's text, refusing a missing file or one over <paramref name="maxBytes"/> (plus a byte-order mark).</summary>
    public static string ReadText(string path, long maxBytes)
    {
        var file = new FileInfo(path);
        if (!file.Exists) throw new CliException($"{path}: no such file.");
        if (file.Length > maxBytes + 3)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"{path}: the file is {file.Length} bytes; the limit is {maxBytes} bytes."));
        }
        return File.ReadAllText(path);
    }

    /// <summary>Loads a YAML file into the node model within the bounds, or throws a <see cref="CliException"/> naming file, line and limit.</summary>
    public static YamlStream LoadYaml(string path, long maxBytes)
    {
        var text = ReadText(path, maxBytes);
        if (YamlDepthGuard.Check(text) is { } bound) throw new CliException($"{path}:{bound.Line}:{bound.Column}: {bound.Message}");
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(text);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new CliException($"{path}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.Message}");
        }
        var sizes = new Dictionary<YamlNode, Size>(ReferenceEqualityComparer.Instance);
        foreach (var document in stream.Documents)
        {
            var size = Measure(path, document.RootNode, sizes, depth: 1);
            if (size.Nodes > DocumentLimits.MaxNodes)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: the file expands to more than {DocumentLimits.MaxNodes} values, mappings and sequences (YAML aliases count as the nodes they repeat); the limit is {DocumentLimits.MaxNodes}."));
            }
            if (size.Bytes > DocumentLimits.MaxFlattenedBytes)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: the file expands to more than {DocumentLimits.MaxFlattenedBytes} bytes of text (YAML aliases count as the text they repeat); the limit is {DocumentLimits.MaxFlattenedBytes}."));
            }
        }
        return stream;
    }

    private readonly record struct Size(long Nodes, long Bytes)
    {
        // Saturating: a bomb's true size overflows a long.
        public static Size operator +(Size a, Size b) => new(Math.Min(a.Nodes + b.Nodes, long.MaxValue / 4), Math.Min(a.Bytes + b.Bytes, long.MaxValue / 4));
    }

    private static Size Measure(string path, YamlNode node, Dictionary<YamlNode, Size> sizes, int depth)
    {
        if (sizes.TryGetValue(node, out var known)) return known;
        if (depth > DocumentLimits.MaxDepth)
        {
            // Only an alias that refers to its own ancestor gets here: the streaming check bounded the written nesting.
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"{path}:{node.Start.Line}:{node.Start.Column}: the YAML is nested more than {DocumentLimits.MaxDepth} levels deep once aliases are expanded; the limit is {DocumentLimits.MaxDepth} levels."));
        }
        var size = node switch
        {
            YamlScalarNode scalar => new Size(1, Encoding.UTF8.GetByteCount(scalar.Value ?? "")),
            // Keys add their text but are not nodes, as in the server's count (a mapping of 150,000 pairs is 150,001 nodes).
            YamlMappingNode mapping => mapping.Children.Aggregate(new Size(1, 0), (sum, pair) => sum
                + (pair.Key is YamlScalarNode key ? new Size(0, Encoding.UTF8.GetByteCount(key.Value ?? "")) : Measure(path, pair.Key, sizes, depth + 1))
                + Measure(path, pair.Value, sizes, depth + 1)),
            YamlSequenceNode sequence => sequence.Children.Aggregate(new Size(1, 0), (sum, child) => sum + Measure(path, child, sizes, depth + 1)),
            _ => new Size(1, 0),
        };
        sizes[node] = size;
        return size;
    }
}
