using ConfigCenter.Core;
using ConfigCenter.Server.Features.Releases;

namespace ConfigCenter.Server.Features.Reviews;

/// <summary>
/// A release request: what it would publish (its diff against <see cref="BaseRevision"/>), who asked, and what became of it.
/// <see cref="Stale"/> is true while pending when the namespace got another release since: it can no longer be approved.
/// </summary>
public sealed record ReleaseRequestView(
    long Id,
    string App,
    string Environment,
    string Namespace,
    long BaseRevision,
    string Message,
    string Author,
    DateTimeOffset CreatedAt,
    string Status,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? Comment,
    long? ReleaseRevision,
    bool Stale,
    ItemsDiff Diff);

/// <summary>The body of approve (comment optional) and reject (comment required).</summary>
public sealed record ReviewDecision(string? Comment);

/// <summary>The body of <c>PUT /api/v1/environments/{env}/review</c>.</summary>
public sealed record EnvironmentReviewSetting(bool? RequiresReview);

/// <summary>What a publish did: a release, or (where review is required) a release request.</summary>
public sealed record PublishOutcome(ReleaseSummary? Release, ReleaseRequestView? Request);
