using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ConfigCenter.Server.Infrastructure;

/// <summary>Turns refused requests into RFC 7807 problem details with the field, line and column, and a store outage into 503 (<see cref="StoreOutage"/>).</summary>
internal sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ConfigCenterException e => ToProblem(e),
            BadHttpRequestException e => new ProblemDetails
            {
                Status = e.StatusCode,
                Title = "Invalid request",
                Detail = e.InnerException is System.Text.Json.JsonException json
                    ? $"The request body is not valid JSON: {json.Message}"
                    : e.Message,
            },
            _ when StoreOutage.IsOutage(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Store unavailable",
                // The cause (host, port, PostgreSQL's message) goes to the server log, not to the caller.
                Detail = "The configuration store (PostgreSQL) is not reachable. The request was not completed (or, if the connection "
                         + $"broke while it committed, completed in full, never in part); try again in {StoreOutage.RetryAfterSeconds} s.",
            },
            _ => null,
        };
        if (problem is null) return false;
        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = StoreOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    internal static ProblemDetails ToProblem(ConfigCenterException e)
    {
        var problem = new ProblemDetails { Status = e.Status, Title = e.Title, Detail = e.Message };
        if (e.Error is { } error)
        {
            problem.Extensions["field"] = error.Field;
            if (error.Line is { } line) problem.Extensions["line"] = line;
            if (error.Column is { } column) problem.Extensions["column"] = column;
        }
        return problem;
    }
}
