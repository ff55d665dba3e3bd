using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's headers middleware: custom request headers (an empty value removes the header),
/// custom response headers, the security headers, and CORS (a preflight is answered here, with
/// 200 and no call to the backend).
/// </summary>
internal sealed class HeadersMiddleware : HttpMiddleware
{
    private readonly HeadersConfig _c;
    private readonly bool _cors;
    private readonly List<KeyValuePair<string, string>> _security = new();

    public HeadersMiddleware(HeadersConfig c)
    {
        _c = c;
        _cors = c.AccessControlAllowOriginList is { Count: > 0 } || c.AccessControlAllowCredentials == true
            || c.AccessControlAllowHeaders is { Count: > 0 } || c.AccessControlAllowMethods is { Count: > 0 }
            || c.AccessControlExposeHeaders is { Count: > 0 } || c.AccessControlMaxAge is > 0;
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) _security.Add(new(name, value)); }
        Add("X-Frame-Options", !string.IsNullOrEmpty(c.CustomFrameOptionsValue) ? c.CustomFrameOptionsValue : c.FrameDeny == true ? "DENY" : null);
        if (c.ContentTypeNosniff == true) Add("X-Content-Type-Options", "nosniff");
        Add("X-XSS-Protection", !string.IsNullOrEmpty(c.CustomBrowserXssValue) ? c.CustomBrowserXssValue : c.BrowserXssFilter == true ? "1; mode=block" : null);
        Add("Content-Security-Policy", c.ContentSecurityPolicy);
        Add("Content-Security-Policy-Report-Only", c.ContentSecurityPolicyReportOnly);
        Add("Referrer-Policy", c.ReferrerPolicy);
        Add("Permissions-Policy", c.PermissionsPolicy);
    }

    private string? StsValue =>
        _c.StsSeconds is > 0 ? $"max-age={_c.StsSeconds}" + (_c.StsIncludeSubdomains == true ? "; includeSubDomains" : "") + (_c.StsPreload == true ? "; preload" : "") : null;

    public override ProxyHandler Wrap(ProxyHandler next) => r =>
    {
        var ctx = r.Context;
        var origin = ctx.Request.Headers.Origin.ToString();
        if (_cors && HttpMethods.IsOptions(ctx.Request.Method) && origin.Length > 0
            && ctx.Request.Headers.AccessControlRequestMethod.Count > 0)
        {
            Preflight(ctx, origin);
            return Task.CompletedTask;
        }
        if (_c.CustomRequestHeaders is { } request)
            foreach (var (name, value) in request)
            {
                if (value.Length == 0) ctx.Request.Headers.Remove(name);
                else if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) ctx.Request.Host = new HostString(value);
                else ctx.Request.Headers[name] = value;
            }
        ctx.Response.OnStarting(static state =>
        {
            var (self, c, o) = ((HeadersMiddleware, HttpContext, string))state;
            self.OnResponse(c, o);
            return Task.CompletedTask;
        }, (this, ctx, origin));
        return next(r);
    };

    private void OnResponse(HttpContext ctx, string origin)
    {
        var h = ctx.Response.Headers;
        foreach (var (name, value) in _security) h[name] = value;
        if (StsValue is { } sts && (ctx.Request.IsHttps || _c.ForceStsHeader == true)) h.StrictTransportSecurity = sts;
        if (_cors && origin.Length > 0)
        {
            var allowed = AllowedOrigin(origin);
            if (allowed is not null) h.AccessControlAllowOrigin = allowed;
            if (_c.AddVaryHeader == true && allowed != "*") h.Append("Vary", "Origin");
            if (_c.AccessControlAllowCredentials == true) h.AccessControlAllowCredentials = "true";
            if (_c.AccessControlExposeHeaders is { Count: > 0 } expose) h.AccessControlExposeHeaders = string.Join(",", expose);
        }
        if (_c.CustomResponseHeaders is { } response)
            foreach (var (name, value) in response)
            {
                if (value.Length == 0) h.Remove(name);
                else h[name] = value;
            }
    }

    private void Preflight(HttpContext ctx, string origin)
    {
        var h = ctx.Response.Headers;
        if (_c.AccessControlAllowCredentials == true) h.AccessControlAllowCredentials = "true";
        if (_c.AccessControlAllowHeaders is { Count: > 0 } headers) h.AccessControlAllowHeaders = string.Join(",", headers);
        if (_c.AccessControlAllowMethods is { Count: > 0 } methods) h.AccessControlAllowMethods = string.Join(",", methods);
        var allowed = AllowedOrigin(origin);
        if (allowed is not null) h.AccessControlAllowOrigin = allowed;
        if (_c.AddVaryHeader == true && allowed != "*") h.Append("Vary", "Origin");
        h.AccessControlMaxAge = (_c.AccessControlMaxAge ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        ctx.Response.StatusCode = StatusCodes.Status200OK;
    }

    private string? AllowedOrigin(string origin)
    {
        if (_c.AccessControlAllowOriginList is not { } list) return null;
        foreach (var o in list)
        {
            if (o == "*") return "*";
            if (string.Equals(o, origin, StringComparison.Ordinal)) return origin;
        }
        return null;
    }
}
