namespace Introspection.Provider.Dubbo;

/// <summary>Remembers that MetadataServiceV2 is mapped, so the two ways of mapping it never map it twice.</summary>
internal sealed class DubboMetadataMapped
{
    private int _mapped;

    public bool TryMark() => Interlocked.Exchange(ref _mapped, 1) == 0;
}
