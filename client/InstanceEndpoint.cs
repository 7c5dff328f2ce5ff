using Introspection.Protocol;

namespace Introspection.Client;

/// <summary>One instance that exposes a resolved service: where to call it and what the registry says about it.</summary>
public sealed class InstanceEndpoint : IEquatable<InstanceEndpoint>
{
    /// <summary>Creates an endpoint.</summary>
    public InstanceEndpoint(string host, int port, string app, string instanceId, string revision, IReadOnlyDictionary<string, string>? labels = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, WireContract.MinPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, WireContract.MaxPort);
        Host = host;
        Port = port;
        App = app ?? string.Empty;
        InstanceId = instanceId ?? string.Empty;
        Revision = revision ?? string.Empty;
        Labels = labels ?? EmptyLabels;
    }

    internal static IReadOnlyDictionary<string, string> EmptyLabels { get; } = new Dictionary<string, string>();

    /// <summary>Host (IP literal or DNS name) to connect to.</summary>
    public string Host { get; }

    /// <summary>Port serving the service.</summary>
    public int Port { get; }

    /// <summary>Application the instance belongs to (empty for a static endpoint).</summary>
    public string App { get; }

    /// <summary>Instance id registered by the provider (empty for a static endpoint).</summary>
    public string InstanceId { get; }

    /// <summary>Metadata revision the instance serves (empty for a static endpoint).</summary>
    public string Revision { get; }

    /// <summary>The instance's registry labels (zone, weight, ...).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <inheritdoc />
    public bool Equals(InstanceEndpoint? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (Port != other.Port || Host != other.Host || App != other.App || InstanceId != other.InstanceId
            || Revision != other.Revision || Labels.Count != other.Labels.Count)
        {
            return false;
        }

        foreach (var (key, value) in Labels)
        {
            if (!other.Labels.TryGetValue(key, out var otherValue) || otherValue != value)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as InstanceEndpoint);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Host, Port, App, InstanceId, Revision);

    /// <inheritdoc />
    public override string ToString() => InstanceId.Length == 0 ? $"{Host}:{Port}" : $"{App}/{InstanceId}@{Host}:{Port}";
}
