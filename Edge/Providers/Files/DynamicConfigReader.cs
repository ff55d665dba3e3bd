using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Edge.Model;

namespace Edge.Providers.Files;

/// <summary>
/// One file's Traefik dynamic configuration (as a JSON tree, see <see cref="FileDocument"/>) read
/// into Edge's model with the model's own metadata: whatever <see cref="DynamicConfig"/> learns
/// (a middleware, TLS options, a service kind) is read from files with no change here.
/// A key Edge does not know is never dropped silently: the element holding it (a router, a
/// service, a middleware, a certificate) is not served and the problem names the file and the key.
/// A router in that state stays visible in /api/rawdata, disabled with the reason; a middleware
/// keeps its error, which puts the routers using it in error (fail closed).
/// </summary>
public static class DynamicConfigReader
{
    private static readonly ModelJsonContext Model = new(new JsonSerializerOptions
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    });

    /// <summary>Traefik's sections Edge does not route.</summary>
    private static readonly HashSet<string> Unrouted = new(StringComparer.OrdinalIgnoreCase) { "udp" };

/// <summary>One file checked against the model: what fits, and the routers and middlewares that did not (with why).</summary>
    public sealed record Fitted(JsonObject Json, Dictionary<string, Router> BrokenRouters, Dictionary<string, (string? Type, string Error)> BrokenMiddlewares)
    {
        /// <summary>Services left out, with why: the routers using them are disabled with that reason.</summary>
        public Dictionary<string, string> BrokenServices { get; init; } = new(StringComparer.Ordinal);
    }

    /// <summary>Reads one file's tree into the model (the common case: one file).</summary>
    public static DynamicConfig Read(JsonObject root, string file, List<string> issues) => Build(Fit(root, file, issues));

    /// <summary>Checks one file's tree against the model; every problem found joins <paramref name="issues"/>, naming the file and the key.</summary>
    public static Fitted Fit(JsonObject root, string file, List<string> issues)
    {
        var fitted = new JsonObject();
        var brokenRouters = new Dictionary<string, Router>(StringComparer.Ordinal);
        var brokenMiddlewares = new Dictionary<string, (string? Type, string Error)>(StringComparer.Ordinal);
        var brokenServices = new Dictionary<string, string>(StringComparer.Ordinal);
        var info = Model.DynamicConfig;
        foreach (var (key, value) in root)
        {
            var property = Find(info, key);
            if (property is null)
            {
                issues.Add(Unrouted.Contains(key)
                    ? $"{file}: {key}: {key.ToUpperInvariant()} routing is not supported by Edge, the section is not served"
                    : $"{file}: {key}: unknown key \"{key}\" (not supported by Edge), not served");
                continue;
            }
            if (value is null) continue;
            if (value is not JsonObject section)
            {
                issues.Add($"{file}: {property.Name}: expected a mapping, not served");
                continue;
            }
            fitted[property.Name] = Section(section, Model.Options.GetTypeInfo(property.PropertyType), property.Name, file, issues, brokenRouters, brokenMiddlewares, brokenServices);
        }
        return new Fitted(fitted, brokenRouters, brokenMiddlewares) { BrokenServices = brokenServices };
    }

    /// <summary>The configuration of checked (and possibly merged) trees; throws <see cref="JsonException"/> if the model still refuses it.</summary>
    public static DynamicConfig Build(Fitted fitted)
    {
        var config = fitted.Json.Deserialize(Model.DynamicConfig) ?? new DynamicConfig();
        foreach (var (name, router) in fitted.BrokenRouters) config.Http.Routers[name] = router;
        // A router of a service left out says why, instead of "the service does not exist".
        foreach (var router in config.Http.Routers.Values)
            if (router.DisabledReason is null && ProviderNames.Unqualified(router.Service, ProviderNames.File) is { } own
                && fitted.BrokenServices.TryGetValue(own, out var serviceError))
                router.DisabledReason = $"service \"{own}@file\" is not served: {serviceError}";
        if (fitted.Json["http"]?["middlewares"] is JsonObject middlewares)
            foreach (var (name, m) in config.Http.Middlewares) m.TypeName = Types(middlewares[name]).FirstOrDefault();
        foreach (var (name, (type, error)) in fitted.BrokenMiddlewares)
            config.Http.Middlewares[name] = new Middleware { TypeName = type, Error = error };
        return config;
    }

    /// <summary>The types a middleware sets (its non-null properties, in the model's own names once fitted).</summary>
    private static List<string> Types(JsonNode? middleware) =>
        middleware is JsonObject o ? o.Where(kv => kv.Value is not null).Select(kv => kv.Key).ToList() : [];

    /// <summary>Traefik refuses a middleware with no type or several: the routers using it are in error.</summary>
    private static string? TypeError(string name, JsonNode? middleware) => Types(middleware).Count switch
    {
        1 => null,
        0 => $"invalid middleware \"{name}@file\" configuration: invalid middleware type or middleware does not exist",
        _ => $"invalid middleware \"{name}@file\" configuration: multi-types middleware not supported, consider declaring two different pieces of middleware instead",
    };

    /// <summary>A section (http, tls): each collection is checked entry by entry, so one bad entry costs only itself.</summary>
    private static JsonObject Section(JsonObject section, JsonTypeInfo info, string path, string file, List<string> issues,
        Dictionary<string, Router> brokenRouters, Dictionary<string, (string?, string)> brokenMiddlewares, Dictionary<string, string> brokenServices)
    {
        var result = new JsonObject();
        foreach (var (key, value) in section)
        {
            var property = Find(info, key);
            var where = path + "." + (property?.Name ?? key);
            if (property is null)
            {
                issues.Add($"{file}: {where}: unknown key \"{key}\" (not supported by Edge), not served");
                continue;
            }
            if (value is null) continue;
            var type = Model.Options.GetTypeInfo(property.PropertyType);
            switch (type.Kind)
            {
                case JsonTypeInfoKind.Dictionary when value is JsonObject entries:
                    var fittedEntries = new JsonObject();
                    foreach (var (name, entry) in entries)
                    {
                        var node = where == "http.middlewares" ? MiddlewareAliases(entry) : entry;
                        var problems = ModelShape.Fit(ref node, Model.Options.GetTypeInfo(type.ElementType!), "");
                        if (problems.Count == 0 && where == "http.middlewares" && TypeError(name, node) is { } typeError) problems.Add(typeError);
                        if (problems.Count == 0) { fittedEntries[name] = node; continue; }
                        var error = $"{file}: {where}.{name}: " + string.Join("; ", problems.Select(p => p.Replace("(top): ", "")));
                        issues.Add(error);
                        if (where == "http.routers") brokenRouters[name] = Disabled(entry, error);
                        else if (where == "http.middlewares") brokenMiddlewares[name] = (FirstKey(entry), error);
                        else if (where == "http.services") brokenServices[name] = error;
                    }
                    result[property.Name] = fittedEntries;
                    break;
                case JsonTypeInfoKind.Enumerable when value is JsonArray items:
                    var fittedItems = new JsonArray();
                    for (int i = 0; i < items.Count; i++)
                    {
                        var node = items[i];
                        var problems = ModelShape.Fit(ref node, Model.Options.GetTypeInfo(type.ElementType!), "");
                        if (problems.Count == 0) fittedItems.Add(node);
                        else issues.Add($"{file}: {where}[{i}]: " + string.Join("; ", problems.Select(p => p.Replace("(top): ", ""))) + ", not served");
                    }
                    result[property.Name] = fittedItems;
                    break;
                default:
                    var whole = value;
                    var wholeProblems = ModelShape.Fit(ref whole, type, where);
                    if (wholeProblems.Count == 0) result[property.Name] = whole;
                    else issues.Add($"{file}: " + string.Join("; ", wholeProblems) + ", not served");
                    break;
            }
        }
        return result;
    }

    /// <summary>ipWhiteList is Traefik's deprecated name of ipAllowList, still read by v3.</summary>
    private static JsonNode? MiddlewareAliases(JsonNode? entry)
    {
        if (entry is not JsonObject o || !o.Any(kv => kv.Key.Equals("ipWhiteList", StringComparison.OrdinalIgnoreCase))) return entry;
        var renamed = new JsonObject();
        foreach (var (k, v) in o) renamed[k.Equals("ipWhiteList", StringComparison.OrdinalIgnoreCase) ? "ipAllowList" : k] = v?.DeepClone();
        return renamed;
    }

    /// <summary>A router that cannot be served, shown disabled with what could be read of its rule and service.</summary>
    private static Router Disabled(JsonNode? entry, string error)
    {
        string? Text(string key) => entry is JsonObject o && o.FirstOrDefault(kv => kv.Key.Equals(key, StringComparison.OrdinalIgnoreCase)).Value is JsonValue v
            && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        var service = Text("service") ?? "";
        return new Router { Rule = Text("rule") ?? "", Service = service.Length == 0 ? "" : ProviderNames.Qualify(service, ProviderNames.File), DisabledReason = error };
    }

    private static string? FirstKey(JsonNode? entry) => entry is JsonObject o && o.Count > 0 ? o.First().Key : null;

    private static JsonPropertyInfo? Find(JsonTypeInfo info, string key) =>
        info.Properties.FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));
}
