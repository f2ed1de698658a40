namespace ConfigCenter.Core;

/// <summary>How a namespace stores its configuration.</summary>
public enum NamespaceFormat
{
    /// <summary>Individual key/value items edited one by one.</summary>
    Properties,

    /// <summary>A JSON document, flattened at publish.</summary>
    Json,

    /// <summary>A YAML document, flattened at publish.</summary>
    Yaml,
}
