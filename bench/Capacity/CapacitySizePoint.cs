namespace Introspection.Bench.Capacity;

/// <summary>The registry's memory with a given number of live instances (one entry of <c>--sizes</c>).</summary>
internal sealed class CapacitySizePoint
{
    public int LiveInstances { get; set; }

    public long RssBytes { get; set; }

    /// <summary>(RSS − RSS of the idle registry) / live instances.</summary>
    public double RssBytesPerInstance { get; set; }

    /// <summary>RSS growth since the previous size / instances added since then: what one more instance costs here.</summary>
    public double MarginalRssBytesPerInstance { get; set; }

    /// <summary>Managed heap after the last GC (all generations); null when the registry does not expose it.</summary>
    public double? HeapBytes { get; set; }

    public double? HeapBytesPerInstance { get; set; }

    public double? MarginalHeapBytesPerInstance { get; set; }

    /// <summary>Registrations/s while registering the instances added since the previous size.</summary>
    public double RegistrationsPerSecond { get; set; }

    public double RegistryCpuMsPerRegistration { get; set; }

    /// <summary>GC pause time while registering the instances added since the previous size.</summary>
    public double? GcPauseMs { get; set; }

    /// <summary>gen0/gen1/gen2 collections while registering the instances added since the previous size.</summary>
    public string GcCollections { get; set; } = "n/a";
}
