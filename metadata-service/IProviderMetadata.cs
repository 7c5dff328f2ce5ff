using Introspection.Protocol.Metadata.V1;

namespace Introspection.Provider;

/// <summary>The metadata this instance serves, rebuilt when its mapped services or options change.</summary>
public interface IProviderMetadata
{
    /// <summary>The current metadata (its <see cref="MetadataInfo.Revision"/> is the registered revision). Do not modify it.</summary>
    MetadataInfo Current { get; }

    /// <summary>Rebuilds the metadata now (for changes that no change token reports); a new revision is pushed to the registries.</summary>
    void Refresh();
}
