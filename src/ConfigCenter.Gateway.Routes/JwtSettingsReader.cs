namespace ConfigCenter.Gateway.Routes;

/// <summary>Reads the namespace's <c>Jwt</c> section: an authority, or an issuer with symmetric signing keys, and the audience.</summary>
internal static class JwtSettingsReader
{
    private static readonly string[] JwtFields = ["Authority", "Issuer", "Audience", "SigningKeys"];

    public static JwtSettings? Read(ItemTree node, List<RoutesError> errors)
    {
        var before = errors.Count;
        ItemValues.Unknown(node, JwtFields, errors);
        var authority = ItemValues.Text(node, "Authority", errors);
        if (authority is not null && (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors.Add(new(node.ChildPath("Authority"), $"Authority '{authority}' is not an absolute http(s) URL."));
        }
        var issuer = ItemValues.Text(node, "Issuer", errors);
        var audience = ItemValues.Text(node, "Audience", errors, required: true);
        var keys = ItemValues.List(node, "SigningKeys", errors);
        for (var i = 0; i < keys.Count; i++)
        {
            var bytes = new byte[keys[i].Length];
            if (!Convert.TryFromBase64String(keys[i], bytes, out var length) || length < 32)
            {
                errors.Add(new($"{node.ChildPath("SigningKeys")}:{i}", "A signing key must be base64 of at least 32 bytes."));
            }
        }
        if (authority is null && keys.Count == 0)
        {
            errors.Add(new(node.ChildPath("SigningKeys"), "Jwt needs an Authority or SigningKeys."));
        }
        if (authority is null && keys.Count > 0 && issuer is null)
        {
            errors.Add(new(node.ChildPath("Issuer"), "Jwt with SigningKeys needs an Issuer."));
        }
        if (errors.Count > before) return null;
        return new JwtSettings { Authority = authority, Issuer = issuer, Audience = audience!, SigningKeys = keys };
    }
}
