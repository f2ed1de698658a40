using ConfigCenter.Core;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ConfigCenter.Storage.Configurations;

/// <summary>Stores a <see cref="NamespaceFormat"/> as its wire name (properties, json, yaml), as the column always held.</summary>
internal sealed class NamespaceFormatConverter() : ValueConverter<NamespaceFormat, string>(
    format => format.ToWire(),
    text => Parse(text))
{
    public static NamespaceFormatConverter Instance { get; } = new();

    private static NamespaceFormat Parse(string text) =>
        NamespaceFormats.TryParse(text, out var format) ? format : throw new InvalidOperationException($"Unknown namespace format '{text}' in the store.");
}
