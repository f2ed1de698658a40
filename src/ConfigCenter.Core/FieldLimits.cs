using System.Globalization;

namespace ConfigCenter.Core;

/// <summary>
/// The longest text each field accepts, in characters, checked before anything is stored: SQLite does not
/// enforce the EF Core MaxLength, and an unbounded name or message would be copied into every list, page
/// and audit entry. README.md ("Limits") documents these numbers; keep the two in step.
/// </summary>
public static class FieldLimits
{
    /// <summary>App and environment display names.</summary>
    public const int MaxDisplayName = 200;

    /// <summary>App descriptions.</summary>
    public const int MaxDescription = 2000;

    /// <summary>Item comments.</summary>
    public const int MaxComment = 1000;

    /// <summary>Release and rollback messages.</summary>
    public const int MaxReleaseMessage = 1000;

    /// <summary>Client API key names.</summary>
    public const int MaxApiKeyName = 200;

    /// <summary>User names and passwords at sign-in.</summary>
    public const int MaxCredential = 256;

    /// <summary>
    /// Request bodies of the whole server. Any 1 MiB document must fit when sent as a JSON string, and a JSON
    /// writer may escape every character as a six-byte \uXXXX (System.Text.Json does so for quotes and
    /// non-ASCII text by default); 64 KiB more covers the rest of the body. Larger requests are refused unread.
    /// </summary>
    public const long MaxRequestBodyBytes = 6L * DocumentLimits.MaxDocumentBytes + 64 * 1024;

    /// <summary>An error naming <paramref name="field"/> when <paramref name="value"/> is longer than <paramref name="max"/>; otherwise null.</summary>
    public static ValidationError? Check(string? value, string field, string what, int max) =>
        value is { Length: var length } && length > max
            ? new ValidationError(field, string.Create(CultureInfo.InvariantCulture, $"{what} is {length} characters long; the limit is {max}."))
            : null;
}
