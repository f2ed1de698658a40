namespace ConfigCenter.Client;

/// <summary>
/// One namespace of one app in one environment: the key of <see cref="IConfigCenterChanges.AppliedRevisions"/>, so
/// two ConfigCenter sources of different apps in one process that both load, say, <c>application</c> stay apart.
/// Compared ordinally, like the slugs it is made of.
/// </summary>
/// <param name="App">The application id.</param>
/// <param name="Environment">The environment slug.</param>
/// <param name="Namespace">The namespace name.</param>
public sealed record ConfigCenterNamespace(string App, string Environment, string Namespace)
{
    /// <summary><c>{app}/{environment}/{namespace}</c>, e.g. <c>order-service/prod/application</c>.</summary>
    public override string ToString() => $"{App}/{Environment}/{Namespace}";
}
