namespace ConfigCenter.Server.Features.Reviews.Pages;

/// <summary>What <see cref="EmergencyPublishDialog"/> returns.</summary>
public sealed record EmergencyPublish(string Message, string Reason);
