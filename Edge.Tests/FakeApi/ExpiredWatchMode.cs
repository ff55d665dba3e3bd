namespace Edge.Tests.FakeApi;

/// <summary>How a watch from a forgotten resourceVersion is refused.</summary>
public enum ExpiredWatchMode
{
    /// <summary>HTTP 200, then one ERROR event carrying a 410 Expired Status (what the real apiserver does).</summary>
    ErrorEvent,

    /// <summary>HTTP 410 with a Status body before any stream starts (older apiservers, some proxies).</summary>
    HttpGone,
}
