using System.Net.Http.Headers;
using System.Text;

namespace ConfigCenter.Server.Tests.Hostile;

/// <summary>Where a case aims: published data that must not change, the scratch app, or the sign-in endpoints.</summary>
internal enum CaseTarget
{
    /// <summary>Route values name a published namespace; the input is one no endpoint may accept.</summary>
    Published,

    /// <summary>The scratch app or no app at all (creating apps and environments); the server decides.</summary>
    Scratch,

    /// <summary>Sign-in and sign-out: the token endpoint and the UI's forms.</summary>
    Account,
}

/// <summary>A namespace the corpus aims at, with a key and revision that exist there (or not, for scratch).</summary>
internal sealed record CaseNamespace(string App, string Env, string Ns, string Format, string Key, string Revision);

/// <summary>
/// One request of the corpus. <see cref="MustReject"/>: the input is invalid for this endpoint whatever the server's
/// policy (a lone surrogate, a document over a bound, an app that does not exist), so only a 4xx is right.
/// </summary>
internal sealed record HostileCase(
    int Number,
    WriteEndpoint Endpoint,
    string Path,
    CaseTarget Target,
    string Description,
    bool MustReject,
    byte[]? Body = null,
    string? ContentType = null,
    bool Chunked = false,
    IReadOnlyList<(string Name, string Value)>? Headers = null,
    IReadOnlyList<(string Name, string EncodedValue)>? FormFields = null,
    bool WithAntiforgery = true)
{
    /// <summary>
    /// Kestrel refuses a request target that decodes to a NUL with a bare 400 before any middleware runs (the
    /// connection is not handed to ConfigCenter at all), so that answer cannot carry problem details.
    /// </summary>
    public bool KestrelRefusesTarget => Path.Contains("%00", StringComparison.Ordinal);

    public override string ToString() =>
        $"#{Number} {Endpoint.Method} {Shorten(Path)} [{Target}{(MustReject ? ", must reject" : "")}]: {Description}";

    public HttpRequestMessage ToRequest(Uri baseAddress, string? antiforgeryToken)
    {
        var uri = new Uri(baseAddress.GetLeftPart(UriPartial.Authority) + Path,
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        var request = new HttpRequestMessage(new HttpMethod(Endpoint.Method), uri);
        var body = FormFields is { } form ? FormBody(form, WithAntiforgery ? antiforgeryToken : null) : Body;
        if (body is not null)
        {
            HttpContent content = Chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
            if (ContentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            request.Content = content;
            if (Chunked) request.Headers.TransferEncodingChunked = true;
            // As curl does for large bodies: a server that refuses the body unread can answer before it is sent.
            if (body.Length > 64 * 1024) request.Headers.ExpectContinue = true;
        }
        foreach (var (name, value) in Headers ?? []) request.Headers.TryAddWithoutValidation(name, value);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private static byte[] FormBody(IReadOnlyList<(string Name, string EncodedValue)> fields, string? antiforgeryToken)
    {
        var pairs = fields.Select(f => $"{Uri.EscapeDataString(f.Name)}={f.EncodedValue}");
        if (antiforgeryToken is not null) pairs = pairs.Prepend($"__RequestVerificationToken={Uri.EscapeDataString(antiforgeryToken)}");
        return Encoding.ASCII.GetBytes(string.Join('&', pairs));
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : $"{text[..150]}…({text.Length} chars)";
}
