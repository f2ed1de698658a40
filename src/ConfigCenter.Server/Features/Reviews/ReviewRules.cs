using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Reviews;

/// <summary>Which environments require a second person before a release goes out (four eyes).</summary>
internal static class ReviewRules
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Withdrawn = "withdrawn";

    public static Task<bool> RequiresReviewAsync(ConfigCenterDbContext db, string env, CancellationToken ct) =>
        db.Environments.AnyAsync(e => e.Id == env && e.RequiresReview, ct);
}
