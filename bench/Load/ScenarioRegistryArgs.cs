namespace Introspection.Bench.Load;

/// <summary>The registry configuration a model run starts its registry process with.</summary>
internal static class ScenarioRegistryArgs
{
    public static List<string> For(ModelKind model, LoadOptions options)
    {
        var args = new List<string>
        {
            // The scenario compresses time: TTLs of a few seconds stand for the usual tens of seconds.
            "--Introspection:Registry:Leases:MinTtl=00:00:00.500",
            // Thousands of KeepAlive/Watch streams; the client also opens extra connections when needed.
            "--Kestrel:Limits:Http2:MaxStreamsPerConnection=10000",
        };
        if (model == ModelKind.Full)
        {
            // The full model stores every parameter as labels: lift the caps that keep the registry minimal.
            args.Add("--Introspection:Registry:Limits:MaxLabels=1024");
            args.Add("--Introspection:Registry:Limits:MaxLabelBytes=1048576");
            args.Add("--Introspection:Registry:Limits:MaxLabelValueBytes=65536");
        }

        args.AddRange(options.RegistryArgs);
        return args;
    }
}
