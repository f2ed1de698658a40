namespace ConfigCenter.Core;

/// <summary>
/// Raised while walking a parsed document when its shape breaks a rule (a duplicate key, a complex
/// YAML key). Internal only: <see cref="DocumentFlattener"/> turns it into a <see cref="ValidationError"/>.
/// </summary>
internal sealed class DocumentShapeException(string message, int? line = null, int? column = null)
    : Exception(message)
{
    public int? Line { get; } = line;

    public int? Column { get; } = column;
}
