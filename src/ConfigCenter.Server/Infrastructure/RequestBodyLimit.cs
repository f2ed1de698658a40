using System.Globalization;
using ConfigCenter.Core;
using Microsoft.AspNetCore.Mvc;

namespace ConfigCenter.Server.Infrastructure;

/// <summary>
/// Refuses a request whose declared body is over <see cref="FieldLimits.MaxRequestBodyBytes"/> before any
/// endpoint reads it, with problem details that name the limit. Kestrel enforces the same limit while
/// reading (for bodies without a Content-Length), but answers those with a bare 413.
/// </summary>
internal static class RequestBodyLimit
{
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.ContentLength is not { } length || length <= FieldLimits.MaxRequestBodyBytes)
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Request body too large",
                Detail = string.Create(CultureInfo.InvariantCulture,
                    $"The request body is {length} bytes; the limit is {FieldLimits.MaxRequestBodyBytes} bytes."),
            },
        });
    });
}
