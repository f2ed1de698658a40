namespace ConfigCenter.Faults.Tests;

/// <summary>A release the API acknowledged with 201: its revision, checksum and the <c>Seq</c> value it carries.</summary>
internal sealed record AcknowledgedRelease(long Revision, string Checksum, string Seq);
