namespace ConfigCenter.Core;

/// <summary>
/// A rule the input broke, as a human sentence. <paramref name="Line"/> and <paramref name="Column"/>
/// are 1-based and set only for document errors, so the editor can point at the spot.
/// </summary>
public sealed record ValidationError(string Field, string Message, int? Line = null, int? Column = null);
