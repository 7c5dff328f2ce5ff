namespace Introspection.Provider.Internal;

/// <summary>
/// The address other pods reach, from the environment: Kubernetes hands a pod its IP through the downward API
/// (<c>env: - name: POD_IP, valueFrom: fieldRef: fieldPath: status.podIP</c>), never through the interfaces a process
/// can see reliably (sidecars, CNI plugins with several interfaces, hostNetwork pods).
/// </summary>
internal static class PodAddress
{
    /// <summary>The variable read without configuration, in a pod (<see cref="KubernetesVariable"/> set).</summary>
    public const string PodIpVariable = "POD_IP";

    /// <summary>Set by the kubelet in every container of a pod: how "running in Kubernetes" is told.</summary>
    public const string KubernetesVariable = "KUBERNETES_SERVICE_HOST";

    /// <summary>
    /// The host to register from the environment, or null to work it out from the listening address.
    /// <see cref="IntrospectionProviderOptions.HostFromEnvironment"/> names the variable; when it is unset, a pod that
    /// sets <see cref="PodIpVariable"/> uses it (an explicit signal of the Deployment), anything else falls through.
    /// </summary>
    public static string? FromEnvironment(IntrospectionProviderOptions options, Func<string, string?> environment)
    {
        if (options.HostFromEnvironment is { Length: > 0 } variable)
        {
            return environment(variable) is { } value && value.Trim() is { Length: > 0 } trimmed ? trimmed : null;
        }

        if (environment(KubernetesVariable) is { Length: > 0 } && environment(PodIpVariable) is { } podIp && podIp.Trim() is { Length: > 0 } pod)
        {
            return pod;
        }

        return null;
    }
}
