using System.Text;

namespace ConfigCenter.Server.Tests.Hostile;

/// <summary>
/// Builds the hostile-input corpus from the server's write endpoints and a seed: every field of every endpoint gets
/// every hostile value, every route parameter a sample of hostile route values, every JSON endpoint every broken
/// body and invalid If-Match values, every document field every bounded document; random combinations fill the
/// rest up to <see cref="MinimumCases"/>. The same seed and endpoints give the same corpus, in the same order.
/// </summary>
/// <remarks>
/// User-id routes (<c>/api/v1/users/{id}/…</c>) name a user created for the purpose (<paramref name="targetUserId"/>),
/// never the admin the corpus acts as: disabling it or resetting its password would end the corpus's own token.
/// </remarks>
internal sealed class HostileCorpus(int seed, IReadOnlyList<CaseNamespace> published, IReadOnlyList<CaseNamespace> scratch, int targetUserId)
{
    public const int MinimumCases = 1_000;
    private const int RouteValuesPerParameter = 8;
    private static readonly string[] IdentityParameters = ["app", "env", "ns", "revision", "id"];

    private readonly Random _random = new(seed);
    private readonly List<HostileCase> _cases = [];

    public IReadOnlyList<HostileCase> Build(IReadOnlyList<WriteEndpoint> endpoints)
    {
        foreach (var endpoint in endpoints)
        {
            RouteAttacks(endpoint);
            FieldAttacks(endpoint);
            BodyAttacks(endpoint);
            DocumentAttacks(endpoint);
            HeaderAttacks(endpoint);
            FormAttacks(endpoint);
        }
        while (_cases.Count < MinimumCases) RandomCombination(endpoints[_random.Next(endpoints.Count)]);

        // Interleave endpoints and kinds so concurrent requests mix, then number the cases in that order.
        var shuffled = _cases.OrderBy(_ => _random.Next()).ToList();
        return [.. shuffled.Select((c, i) => c with { Number = i + 1 })];
    }

    private void RouteAttacks(WriteEndpoint endpoint)
    {
        foreach (var parameter in endpoint.RouteParameters)
        {
            foreach (var value in HostileValues.RouteValues.OrderBy(_ => _random.Next()).Take(RouteValuesPerParameter))
            {
                if (AddressesAnotherResource(endpoint, value)) continue;
                var ns = Pick(scratch);
                var values = RouteValues(endpoint, ns);
                values[parameter] = value;
                Add(endpoint, values, Target(endpoint, CaseTarget.Scratch), $"route {{{parameter}}} = {Describe(value)}",
                    mustReject: IdentityParameters.Contains(parameter) || endpoint.IsTokenEndpoint, body: ValidBody(endpoint, ns));
            }
        }
    }

    private void FieldAttacks(WriteEndpoint endpoint)
    {
        if (endpoint.Body != BodyKind.Json) return;
        foreach (var field in endpoint.Fields)
        {
            foreach (var value in HostileValues.Fields)
            {
                var ns = Pick(scratch);
                Add(endpoint, RouteValues(endpoint, ns), Target(endpoint, CaseTarget.Scratch), $"{field} = {value.Label}",
                    mustReject: endpoint.IsInvalid(field, value) || endpoint.IsTokenEndpoint, body: Body(endpoint, ns, field, value.Json));
                if (endpoint.IsInvalid(field, value) && CanAimAtPublished(endpoint))
                {
                    var target = Pick(published);
                    Add(endpoint, RouteValues(endpoint, target), CaseTarget.Published, $"{field} = {value.Label}", mustReject: true,
                        body: Body(endpoint, target, field, value.Json));
                }
            }
        }
    }

    private void BodyAttacks(WriteEndpoint endpoint)
    {
        if (endpoint.Body != BodyKind.Json) return;
        foreach (var hostile in HostileValues.Bodies)
        {
            var ns = CanAimAtPublished(endpoint) ? Pick(published) : Pick(scratch);
            var target = CanAimAtPublished(endpoint) ? CaseTarget.Published : Target(endpoint, CaseTarget.Scratch);
            Add(endpoint, RouteValues(endpoint, ns), target, $"body: {hostile.Label}", mustReject: true,
                body: hostile.Build(ValidBody(endpoint, ns), endpoint.Fields.FirstOrDefault() ?? "name"), contentType: hostile.ContentType,
                chunked: hostile.Chunked);
        }
    }

    private void DocumentAttacks(WriteEndpoint endpoint)
    {
        if (endpoint.Body != BodyKind.Json || !endpoint.Fields.Contains("content")) return;
        foreach (var (label, format, document) in HostileValues.Documents)
        {
            foreach (var targets in new[] { published, scratch })
            {
                var candidates = targets.Where(t => t.Format == format).ToList();
                if (candidates.Count == 0 || (targets == published && !CanAimAtPublished(endpoint))) continue;
                var ns = Pick(candidates);
                Add(endpoint, RouteValues(endpoint, ns), targets == published ? CaseTarget.Published : CaseTarget.Scratch,
                    $"content = {label}", mustReject: true, body: Body(endpoint, ns, "content", JsonText.Quote(document)));
            }
        }
    }

    /// <summary>
    /// A dot segment (<c>..</c>, <c>%2e%2e</c>) in a DELETE route is normalised away before routing: <c>DELETE
    /// /apps/scratch/members/..</c> arrives as <c>DELETE /apps/scratch</c>, a valid delete of another resource, not a hostile
    /// input to this endpoint. Such values are left out of DELETE routes (they stay in every other method's routes).
    /// </summary>
    private static bool AddressesAnotherResource(WriteEndpoint endpoint, string value) =>
        endpoint.Method == "DELETE" && Uri.UnescapeDataString(value).Split('/')[0] is "." or "..";

    private void HeaderAttacks(WriteEndpoint endpoint)
    {
        // A bodiless endpoint with valid route values and only a bad header is a valid delete where If-Match does not apply.
        if (endpoint.Body == BodyKind.None && endpoint.RouteParameters.Count > 0) return;
        foreach (var ifMatch in HostileValues.IfMatchValues.OrderBy(_ => _random.Next()).Take(3))
        {
            var ns = Pick(scratch);
            Add(endpoint, RouteValues(endpoint, ns), Target(endpoint, CaseTarget.Scratch), $"If-Match: {Describe(ifMatch)}",
                mustReject: endpoint.IsTokenEndpoint, body: ValidBody(endpoint, ns), headers: [("If-Match", ifMatch)]);
        }
    }

    private void FormAttacks(WriteEndpoint endpoint)
    {
        if (endpoint.Body != BodyKind.Form) return;
        foreach (var field in endpoint.Fields)
        {
            foreach (var value in HostileValues.Fields.Where(v => v.Form.Length > 0))
            {
                Add(endpoint, [], CaseTarget.Account, $"form {field} = {value.Label}", mustReject: false,
                    form: Form(endpoint, field, value.Form));
            }
        }
        foreach (var returnUrl in new[] { "/\\evil.example", "//evil.example", "https://evil.example/", "/%2e%2e/%2e%2e/x", "javascript:alert(1)", "/\t/evil.example", "%00" })
        {
            Add(endpoint, [], CaseTarget.Account, $"form returnUrl = {Describe(returnUrl)}", mustReject: false,
                form: Form(endpoint, "returnUrl", Uri.EscapeDataString(returnUrl)));
        }
        Add(endpoint, [], CaseTarget.Account, "form without an antiforgery token", mustReject: true, form: Form(endpoint, "-", ""), withAntiforgery: false);
        Add(endpoint, [], CaseTarget.Account, "form fields sent as JSON", mustReject: true,
            body: JsonText.Object(endpoint.Fields.Select(f => (f, JsonText.Quote("x")))), contentType: "application/json");
        Add(endpoint, [], CaseTarget.Account, "2 MiB form body", mustReject: false,
            form: Form(endpoint, endpoint.Fields[0], new string('x', HostileValues.TwoMiB)));
    }

    private void RandomCombination(WriteEndpoint endpoint)
    {
        var ns = Pick(scratch);
        var values = RouteValues(endpoint, ns);
        var parts = new List<string>();
        var mustReject = endpoint.IsTokenEndpoint;
        if (endpoint.RouteParameters.Count > 0 && (endpoint.Body == BodyKind.None || _random.Next(2) == 0))
        {
            var parameter = endpoint.RouteParameters[_random.Next(endpoint.RouteParameters.Count)];
            values[parameter] = Pick(HostileValues.RouteValues.Where(v => !AddressesAnotherResource(endpoint, v)).ToList());
            parts.Add($"route {{{parameter}}} = {Describe(values[parameter])}");
            mustReject |= IdentityParameters.Contains(parameter);
        }
        byte[]? body = null;
        IReadOnlyList<(string, string)>? form = null;
        if (endpoint.Body == BodyKind.Json && endpoint.Fields.Count > 0)
        {
            var members = new List<(string, byte[])>();
            foreach (var field in endpoint.Fields)
            {
                var value = _random.Next(3) == 0 ? Pick(HostileValues.Fields) : null;
                members.Add((field, value?.Json ?? JsonText.Quote(Baseline(endpoint, field, ns))));
                if (value is null) continue;
                parts.Add($"{field} = {value.Label}");
                mustReject |= endpoint.IsInvalid(field, value);
            }
            body = JsonText.Object(members);
        }
        else if (endpoint.Body == BodyKind.Form)
        {
            var field = Pick(endpoint.Fields);
            var value = Pick(HostileValues.Fields.Where(v => v.Form.Length > 0).ToList());
            form = Form(endpoint, field, value.Form);
            parts.Add($"form {field} = {value.Label}");
        }
        IReadOnlyList<(string, string)>? headers = null;
        // A bodiless endpoint with valid route values and nothing hostile is a valid delete (If-Match does not apply to every
        // one of them): draw again instead.
        if (parts.Count == 0 && endpoint.Body == BodyKind.None && endpoint.RouteParameters.Count > 0) return;
        if (parts.Count == 0)
        {
            // Nothing hostile was drawn: send an invalid If-Match rather than a valid request (a valid DELETE would delete).
            var ifMatch = Pick(HostileValues.IfMatchValues);
            headers = [("If-Match", ifMatch)];
            parts.Add($"If-Match: {Describe(ifMatch)}");
        }
        Add(endpoint, values, Target(endpoint, CaseTarget.Scratch), "random: " + string.Join("; ", parts), mustReject, body,
            headers: headers, form: form);
    }

    private void Add(WriteEndpoint endpoint, Dictionary<string, string> routeValues, CaseTarget target, string description,
        bool mustReject, byte[]? body = null, string? contentType = null, bool chunked = false, IReadOnlyList<(string, string)>? headers = null,
        IReadOnlyList<(string, string)>? form = null, bool withAntiforgery = true)
    {
        _cases.Add(new HostileCase(0, endpoint, endpoint.Path(routeValues), target, description, mustReject, body,
            contentType ?? (form is not null ? "application/x-www-form-urlencoded" : body is not null ? "application/json" : null),
            chunked, headers, form, withAntiforgery));
    }

    /// <summary>Aimed at published data only when every route parameter names part of a namespace there.</summary>
    private static bool CanAimAtPublished(WriteEndpoint endpoint) =>
        endpoint.Body == BodyKind.Json && endpoint.RouteParameters.Count > 0
        && endpoint.RouteParameters.All(p => p is "app" or "env" or "ns" or "key" or "revision");

    private static CaseTarget Target(WriteEndpoint endpoint, CaseTarget otherwise) =>
        endpoint.IsAccountForm || endpoint.IsTokenEndpoint ? CaseTarget.Account : otherwise;

    private Dictionary<string, string> RouteValues(WriteEndpoint endpoint, CaseNamespace ns) =>
        endpoint.RouteParameters.ToDictionary(p => p, p => p switch
        {
            "app" => ns.App,
            "env" => ns.Env,
            "ns" => ns.Ns,
            "key" => Uri.EscapeDataString(ns.Key),
            "revision" => ns.Revision,
            "id" when endpoint.Route.StartsWith("/api/v1/users/", StringComparison.Ordinal) => targetUserId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "id" => "1",
            _ => "x1",
        });

    private byte[] ValidBody(WriteEndpoint endpoint, CaseNamespace ns) =>
        endpoint.Body == BodyKind.Json ? JsonText.Object(endpoint.Fields.Select(f => (f, JsonText.Quote(Baseline(endpoint, f, ns))))) : [];

    private byte[] Body(WriteEndpoint endpoint, CaseNamespace ns, string hostileField, byte[] hostileValue) =>
        JsonText.Object(endpoint.Fields.Select(f => (f, f == hostileField ? hostileValue : JsonText.Quote(Baseline(endpoint, f, ns)))));

    private List<(string, string)> Form(WriteEndpoint endpoint, string hostileField, string encodedValue) =>
        [.. endpoint.Fields.Select(f => (f, f == hostileField ? encodedValue : Uri.EscapeDataString(Baseline(endpoint, f, scratch[0]))))];

    /// <summary>A valid value for a field, unique per call where it names something new (so creates never collide).</summary>
    private string Baseline(WriteEndpoint endpoint, string field, CaseNamespace ns)
    {
        var unique = _random.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return field switch
        {
            "id" or "name" => "h" + unique,
            "format" => "json",
            "content" => ns.Format == "yaml" ? "a: 1\n" : "{\"a\":1}",
            "username" => "nobody-" + unique,
            "password" => "wrong-password",
            "returnUrl" => "/",
            _ => endpoint.Method + "-" + field + "-" + unique,
        };
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private static string Describe(string value)
    {
        var text = new StringBuilder();
        foreach (var c in value.Length > 60 ? value[..40] : value) text.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return value.Length > 60 ? $"{text}…({value.Length} chars)" : text.ToString();
    }
}
