namespace ConfigCenter.Server.Features.Apps;

public sealed record AppView(string Id, string Name, string Description, DateTimeOffset CreatedAt, int NamespaceCount);

public sealed record CreateAppRequest(string? Id, string? Name, string? Description);

/// <summary>An environment; <see cref="RequiresReview"/>: publishing there needs a second person's approval.</summary>
public sealed record EnvironmentView(string Id, string Name, bool RequiresReview = false);

public sealed record CreateEnvironmentRequest(string? Id, string? Name);

public sealed record NamespaceView(string Name, string Format);

public sealed record CreateNamespaceRequest(string? Name, string? Format);

/// <summary>One cell of the namespaces × environments grid.</summary>
public sealed record NamespaceStatus(string Namespace, string Format, string Environment, long? PublishedRevision, bool HasChanges);
