using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.FakeApi;

/// <summary>
/// Routes one authenticated request to discovery, LIST/WATCH, GET, POST, PUT, PATCH or DELETE against the
/// store, with the apiserver's status codes and Status bodies. Faults and auth are applied before this.
/// </summary>
internal sealed class ApiRequestHandler(ObjectStore store, FakeApiServerOptions options, ListGate lists)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        try
        {
            await DispatchAsync(ctx);
        }
        catch (ApiException e) when (!ctx.Response.HasStarted)
        {
            await WriteJsonAsync(ctx, e.Code, e.Status);
        }
        catch (Exception e) when (e is FormatException or JsonException && !ctx.Response.HasStarted)
        {
            await WriteJsonAsync(ctx, 400, ApiStatus.BadRequest(e.Message));
        }
    }

    private async Task DispatchAsync(HttpContext ctx)
    {
        var segments = (ctx.Request.Path.Value ?? "/").Trim('/').Split('/');
        var method = ctx.Request.Method;
        if (segments is ["healthz" or "livez" or "readyz"])
        {
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync("ok");
            return;
        }
        if (DiscoveryDocuments.Find(segments, ctx.Request.Host.Value ?? "") is { } doc)
        {
            if (method != "GET") throw MethodNotAllowed(method);
            await WriteJsonAsync(ctx, 200, doc);
            return;
        }

        var route = ApiRoute.Parse(segments)
            ?? throw new ApiException(ApiStatus.Failure(404, "NotFound", "the server could not find the requested resource"));
        if (route.Subresource is not null && !(route.Subresource == "status" && route.Type.HasStatus))
            throw new ApiException(ApiStatus.Failure(404, "NotFound", "the server could not find the requested resource"));

        switch (method, route.Name)
        {
            case ("GET", null):
                var q = ctx.Request.Query;
                var filter = ObjectFilter.Create(route.Namespace, q["labelSelector"], q["fieldSelector"]);
                if (q["watch"] == "true" || q["watch"] == "1")
                    await WatchStreamer.RunAsync(ctx, store, route, filter, options);
                else
                {
                    await lists.WaitAsync(ctx.RequestAborted);
                    await WriteListAsync(ctx, route.Type, store.List(route.Type, filter,
                        int.TryParse(q["limit"], out var limit) ? limit : null, q["continue"], q["resourceVersion"], q["resourceVersionMatch"]));
                }
                return;
            case ("GET", { } name):
                var found = store.Get(route.Type, route.Namespace, name) ?? throw new ApiException(ApiStatus.NotFound(route.Type, name));
                await WriteRawAsync(ctx, 200, found.Json);
                return;
            case ("POST", null) when route.Subresource is null && (route.Namespace is not null || !route.Type.Namespaced):
                await WriteRawAsync(ctx, 201, store.Create(route.Type, route.Namespace, await ReadBodyForAsync(ctx, route, create: true)).Json);
                return;
            case ("PUT", { } name):
                await WriteRawAsync(ctx, 200, Replace(route, name, await ReadBodyForAsync(ctx, route, create: false)).Json);
                return;
            case ("PATCH", { } name):
                var patch = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
                await WriteRawAsync(ctx, 200, Patch(route, name, ctx.Request.ContentType ?? "", patch).Json);
                return;
            case ("DELETE", { } name) when route.Subresource is null:
                await WriteRawAsync(ctx, 200, store.Delete(route.Type, route.Namespace, name).Json);
                return;
            default:
                throw MethodNotAllowed(method);
        }
    }

    private StoredObject Replace(ApiRoute route, string name, JsonObject body)
    {
        if ((string?)body["metadata"]?["name"] != name)
            throw new ApiException(ApiStatus.BadRequest("the name of the object does not match the name on the URL"));
        var expectedRv = (string?)body["metadata"]?["resourceVersion"];
        var statusOnly = route.Subresource == "status";
        return store.Update(route.Type, route.Namespace, name, expectedRv, old =>
        {
            // The status subresource writes only .status; the main resource ignores .status when a
            // status subresource exists. Edge's status writer depends on that split.
            if (statusOnly) return WithStatusOf(old, body);
            return route.Type.HasStatus ? WithStatusOf(body, old) : body;
        });
    }

    private StoredObject Patch(ApiRoute route, string name, string contentType, JsonNode? patch)
    {
        // A merge patch carrying metadata.resourceVersion is a precondition, as on the apiserver.
        var expectedRv = patch is JsonObject p ? (string?)p["metadata"]?["resourceVersion"] : null;
        var statusOnly = route.Subresource == "status";
        return store.Update(route.Type, route.Namespace, name, expectedRv, old =>
        {
            var patched = JsonPatcher.Apply(contentType, (JsonObject)old.DeepClone(), patch);
            if (statusOnly) return WithStatusOf(old, patched);
            return route.Type.HasStatus ? WithStatusOf(patched, old) : patched;
        });
    }

    /// <summary>Returns <paramref name="target"/> with .status replaced by (a copy of) the source's.</summary>
    private static JsonObject WithStatusOf(JsonObject target, JsonObject source)
    {
        if (source["status"] is { } status) target["status"] = status.DeepClone();
        else target.Remove("status");
        return target;
    }

    private static async Task<JsonObject> ReadBodyForAsync(HttpContext ctx, ApiRoute route, bool create)
    {
        var body = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted) as JsonObject
            ?? throw new ApiException(ApiStatus.BadRequest("request body must be a JSON object"));
        var bodyNs = (string?)body["metadata"]?["namespace"];
        if (route.Namespace is not null && bodyNs is not null && bodyNs != route.Namespace)
            throw new ApiException(ApiStatus.BadRequest(
                "the namespace of the provided object does not match the namespace sent on the request"));
        if (create && route.Type.HasStatus) body.Remove("status"); // create through the main resource drops status
        return body;
    }

    private static async Task WriteListAsync(HttpContext ctx, ResourceType type, ListPage page)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        using (var w = new Utf8JsonWriter(ctx.Response.BodyWriter))
        {
            w.WriteStartObject();
            w.WriteString("kind", type.ListKind);
            w.WriteString("apiVersion", type.ApiVersion);
            w.WriteStartObject("metadata");
            w.WriteString("resourceVersion", page.ResourceVersion.ToString());
            if (page.Continue is not null) w.WriteString("continue", page.Continue);
            if (page.RemainingItemCount is { } remaining) w.WriteNumber("remainingItemCount", remaining);
            w.WriteEndObject();
            w.WriteStartArray("items");
            foreach (var item in page.Items) w.WriteRawValue(item, skipInputValidation: true);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted);
    }

    public static Task WriteJsonAsync(HttpContext ctx, int code, JsonObject body) =>
        WriteRawAsync(ctx, code, Encoding.UTF8.GetBytes(body.ToJsonString()));

    private static async Task WriteRawAsync(HttpContext ctx, int code, byte[] json)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = json.Length;
        await ctx.Response.Body.WriteAsync(json, ctx.RequestAborted);
    }

    private static ApiException MethodNotAllowed(string method) =>
        new(ApiStatus.Failure(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method})"));
}
