namespace ConfigCenter.Server.Features.Auth;

/// <summary><c>ConfigCenter:SignIn</c>: throttling of failed sign-ins (UI login and <c>POST /api/v1/auth/token</c>).</summary>
public sealed class SignInOptions
{
    public const string Section = "ConfigCenter:SignIn";

    /// <summary>Failed sign-ins of one user name within <see cref="Window"/> that lock it.</summary>
    public int MaxFailuresPerUser { get; set; } = 5;

    /// <summary>Failed sign-ins from one client address within <see cref="Window"/> that lock the address (any user name).</summary>
    public int MaxFailuresPerAddress { get; set; } = 20;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);
}
