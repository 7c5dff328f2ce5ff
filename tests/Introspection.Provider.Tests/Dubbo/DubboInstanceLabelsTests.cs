using Introspection.Protocol.Registry.V1;
using Introspection.Provider.Dubbo;
using Introspection.Provider.Tests.Infrastructure;

namespace Introspection.Provider.Tests.Dubbo;

/// <summary>Dubbo's instance labels: in the registry when enabled, absent when not, and checked against the registry's caps.</summary>
public sealed class DubboInstanceLabelsTests
{
    private static readonly string[] s_dubboKeys = ["meta-v", "dubbo.metadata.storage-type", "dubbo.metadata-service.url-params", "dubbo.endpoints", "dubbo.metadata.revision"];

    [Fact]
    public async Task Register_LabelsEnabled_RegistryHoldsDubboLabels()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var provider = await ProviderServer.StartAsync(registry.Address, o =>
        {
            o.Dubbo.Enabled = true;
            o.Dubbo.RegisterLabels = true;
            o.Labels["zone"] = "a";
        });

        var instance = await SingleInstanceAsync(registry);

        Assert.Equal("2.0.0", instance.Labels["meta-v"]);
        Assert.Equal("local", instance.Labels["dubbo.metadata.storage-type"]);
        Assert.Equal($"{{\"port\":\"{provider.Port}\",\"protocol\":\"tri\"}}", instance.Labels["dubbo.metadata-service.url-params"]);
        Assert.Equal($"[{{\"port\":{provider.Port},\"protocol\":\"tri\"}}]", instance.Labels["dubbo.endpoints"]);
        Assert.Equal(instance.Revision, instance.Labels["dubbo.metadata.revision"]);
        Assert.Equal("a", instance.Labels["zone"]);
    }

    [Fact]
    public async Task Register_RevisionChanges_DubboRevisionLabelFollows()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var provider = await ProviderServer.StartAsync(registry.Address, o =>
        {
            o.Dubbo.Enabled = true;
            o.Dubbo.RegisterLabels = true;
        });
        var before = (await SingleInstanceAsync(registry)).Revision;

        provider.Reconfigure("Introspection:Provider:Services:greet.Greeter:Params:timeout", "1s");

        Instance after = null!;
        await Poll.UntilAsync(async () => (after = await SingleInstanceAsync(registry)).Revision != before, TestTimeouts.Short, "the registry holds the new revision");
        Assert.Equal(after.Revision, after.Labels["dubbo.metadata.revision"]);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public async Task Register_LabelsNotEnabled_NoDubboLabels(bool enabled, bool registerLabels)
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var provider = await ProviderServer.StartAsync(registry.Address, o =>
        {
            o.Dubbo.Enabled = enabled;
            o.Dubbo.RegisterLabels = registerLabels;
        });

        var instance = await SingleInstanceAsync(registry);

        Assert.All(s_dubboKeys, key => Assert.False(instance.Labels.ContainsKey(key), key));
    }

    [Fact]
    public void Validate_LabelsOverTheRegistryCount_FailsNamingTheKey()
    {
        var options = new IntrospectionProviderOptions { Dubbo = { Enabled = true, RegisterLabels = true } };
        for (var i = 0; i < 12; i++)
        {
            options.Labels[$"l{i}"] = "v";
        }

        var result = new DubboInteropOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Introspection:Provider:Dubbo:RegisterLabels", result.FailureMessage, StringComparison.Ordinal);
        options.Labels.Remove("l0");
        Assert.True(new DubboInteropOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_RegisterLabelsWithoutEnabled_Fails()
    {
        var options = new IntrospectionProviderOptions { Dubbo = { RegisterLabels = true } };

        Assert.True(new DubboInteropOptionsValidator().Validate(null, options).Failed);
    }

    [Fact]
    public void Labels_KeysMatchTheRegistryCharsetAndFitItsCaps()
    {
        var labels = DubboInstanceLabels.With(new IntrospectionProviderOptions { Dubbo = { Enabled = true, RegisterLabels = true } }, [], 65535, new string('f', 64));

        Assert.Equal(s_dubboKeys.Order(StringComparer.Ordinal), labels.Keys.Order(StringComparer.Ordinal));
        Assert.All(labels, l => Assert.True(Protocol.WireContract.TryValidateLabelKey("key", l.Key, out var error), error));
        Assert.All(labels, l => Assert.InRange(l.Value.Length, 1, Protocol.WireContract.DefaultMaxLabelValueBytes));
        Assert.True(DubboInstanceLabels.MaxBytes <= Protocol.WireContract.DefaultMaxLabelBytes);
    }

    private static async Task<Instance> SingleInstanceAsync(RegistryHost registry)
    {
        IReadOnlyList<Instance> instances = [];
        await Poll.UntilAsync(async () => (instances = await registry.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "the provider is registered");
        return instances[0];
    }
}
