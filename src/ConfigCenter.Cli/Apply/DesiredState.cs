namespace ConfigCenter.Cli.Apply;

/// <summary>What configcenter.yaml declares: apps → namespaces (with format) → environments → items.</summary>
internal sealed record DesiredState(string Path, IReadOnlyList<DesiredApp> Apps);

internal sealed record DesiredApp(string Id, string? Name, string? Description, IReadOnlyList<DesiredNamespace> Namespaces);

internal sealed record DesiredNamespace(string Name, string Format, IReadOnlyList<DesiredDraft> Environments);

/// <summary>One namespace's draft in one environment; <see cref="Source"/> is set when the items came from a file.</summary>
internal sealed record DesiredDraft(string Environment, IReadOnlyDictionary<string, string?> Items, ConfigFile? Source);
