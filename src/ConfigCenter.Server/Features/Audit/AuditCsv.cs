using System.Globalization;
using System.Text;

namespace ConfigCenter.Server.Features.Audit;

/// <summary>
/// RFC 4180 CSV of audit entries. Every field is quoted (quotes doubled), and a field that a spreadsheet would run as a formula
/// (starting with = + - @, or a tab or carriage return that some spreadsheets skip before one) gets a leading apostrophe.
/// </summary>
internal static class AuditCsv
{
    public const string Header = "id,at,actor,address,action,target,detail,before,after";

    public static string Row(AuditEntry e)
    {
        var builder = new StringBuilder(256);
        Append(builder, e.Id.ToString(CultureInfo.InvariantCulture)).Append(',');
        Append(builder, e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append(',');
        Append(builder, e.Actor).Append(',');
        Append(builder, e.Address).Append(',');
        Append(builder, e.Action).Append(',');
        Append(builder, e.Target).Append(',');
        Append(builder, e.Detail).Append(',');
        Append(builder, e.Before).Append(',');
        Append(builder, e.After);
        return builder.ToString();
    }

    public static string Field(string value)
    {
        var builder = new StringBuilder(value.Length + 4);
        return Append(builder, value).ToString();
    }

    private static StringBuilder Append(StringBuilder builder, string value)
    {
        builder.Append('"');
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') builder.Append('\'');
        builder.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        return builder.Append('"');
    }
}
