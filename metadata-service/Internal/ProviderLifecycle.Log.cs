using Microsoft.Extensions.Logging;

namespace Introspection.Provider.Internal;

internal sealed partial class ProviderLifecycle
{
    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Information, "Registering app '{App}' instance '{InstanceId}' at {Host}:{Port} (revision {Revision}) with {RegistryCount} registr(y/ies); startup timeout {TimeoutSeconds} s.", EventName = "Registering")]
        public static partial void Registering(ILogger logger, string app, string instanceId, string host, int port, string revision, int registryCount, double timeoutSeconds);

        [LoggerMessage(21, LogLevel.Information, "Instance registered with {RegisteredCount} of {RegistryCount} registr(y/ies); the others keep being retried.", EventName = "Started")]
        public static partial void Started(ILogger logger, int registeredCount, int registryCount);

        [LoggerMessage(22, LogLevel.Warning, "No registry configured (Introspection:Provider:Registries): app '{App}' serves its metadata but is not registered anywhere.", EventName = "NoRegistries")]
        public static partial void NoRegistries(ILogger logger, string app);

        [LoggerMessage(23, LogLevel.Critical, "Could not register with any registry within {TimeoutSeconds} s ({Reasons}). A new instance nobody can discover stops: exit code 1.", EventName = "StartupFailed")]
        public static partial void StartupFailedStopping(ILogger logger, double timeoutSeconds, string reasons);

        [LoggerMessage(24, LogLevel.Error, "Could not register with any registry within {TimeoutSeconds} s ({Reasons}). StopOnStartupFailure is off: serving and retrying.", EventName = "StartupFailedContinuing")]
        public static partial void StartupFailedContinuing(ILogger logger, double timeoutSeconds, string reasons);

        [LoggerMessage(25, LogLevel.Critical, "Provider startup failed.", EventName = "StartupError")]
        public static partial void StartupError(ILogger logger, Exception exception);

        [LoggerMessage(26, LogLevel.Warning, "Registry {Registry}: new revision not pushed yet ({Reason}); it goes with the next successful renewal.", EventName = "UpdateDeferred")]
        public static partial void UpdateDeferred(ILogger logger, string registry, string reason);

        [LoggerMessage(27, LogLevel.Critical, "No registry has accepted this instance for {LostSeconds:0.#} s (ExitAfterRegistryLoss {LimitSeconds:0.#} s; {Reasons}). Stopping the host with exit code 1.", EventName = "RegistryLossStopping")]
        public static partial void RegistryLossStopping(ILogger logger, double lostSeconds, double limitSeconds, string reasons);

        [LoggerMessage(30, LogLevel.Information, "Shutdown 0/4: starting graceful shutdown (timeout {TimeoutSeconds} s).", EventName = "ShutdownStarting")]
        public static partial void ShutdownStarting(ILogger logger, double timeoutSeconds);

        [LoggerMessage(31, LogLevel.Information, "Shutdown 1/4: deregistered from {Count} of {RegistryCount} registr(y/ies).", EventName = "ShutdownDeregistered")]
        public static partial void ShutdownDeregistered(ILogger logger, int count, int registryCount);

        [LoggerMessage(32, LogLevel.Information, "Shutdown 2/4: waiting {DelayMs} ms for consumers to drop this instance.", EventName = "ShutdownPropagationDelay")]
        public static partial void ShutdownPropagationDelay(ILogger logger, double delayMs);

        [LoggerMessage(33, LogLevel.Information, "Shutdown 3/4: refusing new calls with UNAVAILABLE; waiting for {InFlight} call(s) in flight and {Work} tracked work item(s).", EventName = "ShutdownRefusingCalls")]
        public static partial void ShutdownRefusingCalls(ILogger logger, int inFlight, int work);

        [LoggerMessage(34, LogLevel.Information, "Shutdown 4/4: drained after {ElapsedMs:0} ms; the server may stop.", EventName = "ShutdownDrained")]
        public static partial void ShutdownDrained(ILogger logger, double elapsedMs);

        [LoggerMessage(35, LogLevel.Warning, "Shutdown timed out during '{Step}' with {InFlight} call(s) in flight and {Work} tracked work item(s); continuing.", EventName = "ShutdownTimedOut")]
        public static partial void ShutdownStepTimedOut(ILogger logger, string step, int inFlight, int work);
    }
}
