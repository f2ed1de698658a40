namespace ConfigCenter.Core;

/// <summary>The flat items of a document, or why it could not be flattened.</summary>
public sealed record FlattenResult(IReadOnlyDictionary<string, string?>? Items, ValidationError? Error)
{
    /// <summary>True when <see cref="Items"/> is set and <see cref="Error"/> is null.</summary>
    public bool Success => Error is null;

    internal static FlattenResult Ok(IReadOnlyDictionary<string, string?> items) => new(items, null);

    internal static FlattenResult Fail(ValidationError error) => new(null, error);
}
