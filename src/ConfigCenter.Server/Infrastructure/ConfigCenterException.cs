using ConfigCenter.Core;

namespace ConfigCenter.Server.Infrastructure;

/// <summary>
/// A request the domain refuses, carrying the HTTP status and a sentence for a person. The API turns it
/// into problem details; the UI shows <see cref="Exception.Message"/>.
/// </summary>
public sealed class ConfigCenterException(int status, string title, string detail, ValidationError? error = null)
    : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public ValidationError? Error { get; } = error;

    public static ConfigCenterException NotFound(string what) =>
        new(StatusCodes.Status404NotFound, "Not found", what);

    public static ConfigCenterException Invalid(ValidationError error) =>
        new(StatusCodes.Status400BadRequest, "Invalid input", error.Message, error);

    public static ConfigCenterException Invalid(string field, string message) => Invalid(new ValidationError(field, message));

    public static ConfigCenterException Conflict(string detail, ValidationError? error = null) =>
        new(StatusCodes.Status409Conflict, "Conflict", detail, error);

    public static ConfigCenterException StaleVersion(long current) =>
        new(StatusCodes.Status412PreconditionFailed, "Precondition failed",
            $"The draft was changed by someone else (it is now at version {current}). Reload it and apply your edit again.");
}
