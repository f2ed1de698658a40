using System.Text;

namespace ConfigCenter.Testing;

/// <summary>Documents built to exhaust a parser, for the hostile-input tests and the hostile benchmark.</summary>
public static class HostileDocuments
{
    /// <summary><c>a: {b: {b: … 1 …}}</c> nested <paramref name="levels"/> deep, in flow style (20,000 levels is about 100 KB).</summary>
    public static string DeepYaml(int levels) =>
        "a: " + string.Concat(Enumerable.Repeat("{b: ", levels)) + "1" + new string('}', levels) + "\n";

    /// <summary><c>{"a":{"b":{"b":… 1 …}}}</c> nested <paramref name="levels"/> deep.</summary>
    public static string DeepJson(int levels) =>
        "{\"a\":" + string.Concat(Enumerable.Repeat("{\"b\":", levels)) + "1" + new string('}', levels) + "}";

    /// <summary>The 330-byte "billion laughs": nine anchors, each nine aliases of the previous one (9^9 leaves expanded).</summary>
    public static string YamlAliasBomb()
    {
        var yaml = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (var name = 'b'; name <= 'i'; name++)
        {
            yaml.Append(name).Append(": &").Append(name).Append(" [")
                .Append(string.Join(",", Enumerable.Repeat($"*{(char)(name - 1)}", 9))).Append("]\n");
        }
        return yaml.ToString();
    }
}
