using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ConfigCenter.Core;

/// <summary>Writes a <see cref="ConfigSection"/> tree as indented JSON with string values.</summary>
internal static class JsonDocumentWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        NewLine = "\n",
        // People read and edit the export; "é" beats "\u00E9". The text never lands in HTML unencoded.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(ConfigSection root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            WriteObject(writer, root);
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteObject(Utf8JsonWriter writer, ConfigSection section)
    {
        writer.WriteStartObject();
        foreach (var (name, member, asScalar) in section.Members())
        {
            writer.WritePropertyName(name);
            if (asScalar)
            {
                WriteScalar(writer, member.Value);
            }
            else
            {
                WriteContainer(writer, member);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteContainer(Utf8JsonWriter writer, ConfigSection section)
    {
        if (!section.IsArray)
        {
            WriteObject(writer, section);
            return;
        }

        writer.WriteStartArray();
        foreach (var element in section.Elements())
        {
            if (element.HasValue)
            {
                WriteScalar(writer, element.Value);
            }
            else
            {
                WriteContainer(writer, element);
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteScalar(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
