namespace Introspection.Client.Internal;

/// <summary>Where the metadata of one (app, revision) stands.</summary>
internal enum MetadataFetchState
{
    /// <summary>Cached: routable.</summary>
    Available,

    /// <summary>A fetch is running and has not yet tried every instance once.</summary>
    Fetching,

    /// <summary>Every instance was tried once and failed; retries continue in the background.</summary>
    Failing,
}
