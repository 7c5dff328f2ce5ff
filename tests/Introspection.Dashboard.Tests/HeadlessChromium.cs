using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Introspection.Dashboard.Tests;

/// <summary>
/// Debian's chromium driven through Debian's chromedriver, both at fixed paths (so Selenium Manager never tries to
/// download a browser or driver), headless, with a fresh profile that is deleted afterwards and with every
/// background network feature off: the browser talks to the test's registry and nothing else.
/// </summary>
internal sealed class HeadlessChromium : IDisposable
{
    public const string BrowserPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    private readonly string _profile;

    private HeadlessChromium(ChromeDriver driver, string profile)
    {
        Driver = driver;
        _profile = profile;
    }

    public ChromeDriver Driver { get; }

    /// <summary>Why the browser cannot run here, or null when it can (test.sh installs both packages).</summary>
    public static string? Missing() =>
        !File.Exists(BrowserPath) ? $"{BrowserPath} is missing (apt-get install -y chromium)"
        : !File.Exists(DriverPath) ? $"{DriverPath} is missing (apt-get install -y chromium-driver)"
        : null;

    public static HeadlessChromium Start()
    {
        if (Missing() is { } missing)
        {
            throw new InvalidOperationException(missing);
        }

        var profile = Directory.CreateTempSubdirectory("introspection-chromium-").FullName;
        var options = new ChromeOptions { BinaryLocation = BrowserPath };
        options.AddArguments(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,1500",
            "--user-data-dir=" + profile);
        // Console messages of every level, read back with Logs.GetLog(LogType.Browser).
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        try
        {
            var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
            driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
            return new HeadlessChromium(driver, profile);
        }
        catch
        {
            service.Dispose();
            Directory.Delete(profile, recursive: true);
            throw;
        }
    }

    /// <summary>Console messages at SEVERE (errors, failed loads, CSP violations) since the last call.</summary>
    public IReadOnlyList<string> ConsoleErrors() =>
        [.. Driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= LogLevel.Severe).Select(e => e.Level + " " + e.Message)];

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // chromium may still be writing its profile as it exits; the temp folder is reclaimed anyway.
        }
    }
}
