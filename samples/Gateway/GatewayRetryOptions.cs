namespace Gateway;

/// <summary>How the gateway retries a request whose destination failed at the transport (section <c>Gateway</c>).</summary>
public sealed class GatewayRetryOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Attempts per request, the first included; 1 turns retries off. Default: 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a destination that failed a request is not picked (YARP passive health). Default: 10 s.</summary>
    public TimeSpan ReactivationPeriod { get; set; } = TimeSpan.FromSeconds(10);
}
