using System.Net;
using Introspection.Provider.Internal;

namespace Introspection.Provider.Tests.Options;

/// <summary>The registered host from the downward API's pod IP: explicit variable, auto-detection in a pod, validation.</summary>
public sealed class PodAddressTests
{
    private static readonly IPAddress s_machine = IPAddress.Parse("10.1.2.3");

    [Fact]
    public void Resolve_InAPodWithPodIp_RegistersThePodIp()
    {
        var environment = Env(("KUBERNETES_SERVICE_HOST", "10.96.0.1"), ("POD_IP", "10.244.1.7"));

        var resolved = InstanceAddress.Resolve(new IntrospectionProviderOptions(), ["http://0.0.0.0:5001"], () => s_machine, environment);

        Assert.Equal(("10.244.1.7", 5001), resolved);
    }

    [Fact]
    public void Resolve_PodIpOutsideKubernetes_Ignored()
    {
        var resolved = InstanceAddress.Resolve(new IntrospectionProviderOptions(), ["http://0.0.0.0:5001"], () => s_machine, Env(("POD_IP", "10.244.1.7")));

        Assert.Equal(("10.1.2.3", 5001), resolved);
    }

    [Fact]
    public void Resolve_InAPodWithoutPodIp_FallsBackToTheListeningAddress()
    {
        var resolved = InstanceAddress.Resolve(new IntrospectionProviderOptions(), ["http://0.0.0.0:5001"], () => s_machine, Env(("KUBERNETES_SERVICE_HOST", "10.96.0.1")));

        Assert.Equal(("10.1.2.3", 5001), resolved);
    }

    [Fact]
    public void Resolve_HostFromEnvironmentNamed_ReadsThatVariable()
    {
        var options = new IntrospectionProviderOptions { HostFromEnvironment = "MY_ADDR" };

        var resolved = InstanceAddress.Resolve(options, ["http://0.0.0.0:5001"], () => s_machine, Env(("MY_ADDR", " fd00::7 "), ("KUBERNETES_SERVICE_HOST", "x"), ("POD_IP", "10.244.1.7")));

        Assert.Equal(("fd00::7", 5001), resolved);
    }

    [Fact]
    public void Resolve_HostConfigured_WinsOverTheEnvironment()
    {
        var options = new IntrospectionProviderOptions { Host = "pod-1.greeter", HostFromEnvironment = "POD_IP" };

        Assert.Equal(("pod-1.greeter", 5001), InstanceAddress.Resolve(options, ["http://0.0.0.0:5001"], () => s_machine, Env(("POD_IP", "10.244.1.7"))));
    }

    [Fact]
    public void Validate_VariableNamedButNotSet_FailsNamingTheFieldRef()
    {
        var errors = new List<string>();

        PodAddressValidator.Check("Introspection:Provider", new IntrospectionProviderOptions { HostFromEnvironment = "POD_IP" }, Env(), errors);

        var error = Assert.Single(errors);
        Assert.StartsWith("Introspection:Provider:HostFromEnvironment names POD_IP, which is not set", error, StringComparison.Ordinal);
        Assert.Contains("status.podIP", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("not a host!")]
    public void Validate_VariableHoldsNoDialableHost_Fails(string value)
    {
        var errors = new List<string>();

        PodAddressValidator.Check("Introspection:Provider", new IntrospectionProviderOptions(), Env(("KUBERNETES_SERVICE_HOST", "10.96.0.1"), ("POD_IP", value)), errors);

        Assert.Single(errors);
    }

    [Fact]
    public void Validate_BadVariableName_Fails()
    {
        var errors = new List<string>();

        PodAddressValidator.Check("Introspection:Provider", new IntrospectionProviderOptions { HostFromEnvironment = "POD-IP" }, Env(), errors);

        Assert.Contains("is not an environment variable name", Assert.Single(errors), StringComparison.Ordinal);
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var table = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return name => table.GetValueOrDefault(name);
    }
}
