using Edge.Configuration;
using Edge.DataPlane.Forwarding;
using Edge.Observability;
using Edge.Observability.Metrics;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.DataPlane.Forwarding;

/// <summary>
/// One report per failed forward, read by everything after it: the status the client gets, the
/// error feature, and the metrics series of the stage.
/// </summary>
public class ForwarderErrorsTests
{
    [Test]
    public async Task A_service_without_servers_is_answered_503_no_available_server()
    {
        var ctx = new DefaultHttpContext();
        var body = new MemoryStream();
        ctx.Response.Body = body;
        ForwarderErrors.Report(ctx, ForwarderError.NoServer, false, null, "default-empty-80@kubernetes", null);
        await Assert.That(ctx.Response.StatusCode).IsEqualTo(503);
        await Assert.That(System.Text.Encoding.UTF8.GetString(body.ToArray())).IsEqualTo("no available server");
        await Assert.That(ctx.Features.Get<IForwarderErrorFeature>()!.Error).IsEqualTo(ForwarderError.NoServer);
    }

    [Test]
    [Arguments(ForwarderError.NoServer, false, 503)]
    [Arguments(ForwarderError.RequestBody, false, 400)]
    [Arguments(ForwarderError.Connect, false, 502)]
    [Arguments(ForwarderError.Connect, true, 504)]
    [Arguments(ForwarderError.RequestSend, false, 502)]
    [Arguments(ForwarderError.ResponseHeaders, false, 502)]
    [Arguments(ForwarderError.ResponseHeaders, true, 504)]
    [Arguments(ForwarderError.ClientAborted, false, 499)]
    [Arguments(ForwarderError.Upgrade, false, 502)]
    public async Task Each_stage_has_traefiks_status(ForwarderError error, bool timedOut, int status)
    {
        await Assert.That(ForwarderErrors.StatusFor(error, timedOut)).IsEqualTo(status);
    }

    [Test]
    public async Task A_failure_after_the_response_started_has_no_status_to_give()
    {
        await Assert.That(ForwarderErrors.StatusFor(ForwarderError.ResponseBody, false)).IsNull();
    }

    [Test]
    public async Task A_failed_forward_is_counted_per_service_and_stage_in_the_metrics()
    {
        var metrics = new EdgeMetrics(new MetricsOptions());
        var observer = new RequestObserver(metrics, null);
        for (int i = 0; i < 2; i++)
        {
            var ctx = new DefaultHttpContext();
            ctx.Request.Method = "GET";
            ctx.Response.Body = new MemoryStream();
            await observer.ObserveAsync(ctx, "web", (c, _) =>
            {
                var observed = c.Features.Get<ObservedRequest>()!;
                observed.Service = "default-app-80@kubernetes";
                ForwarderErrors.Report(c, ForwarderError.Connect, false, new HttpRequestException("refused"), observed.Service, "http://127.0.0.2:80");
                return Task.CompletedTask;
            });
        }
        var text = PrometheusText.Write(metrics);
        await Assert.That(text).Contains("edge_service_forward_errors_total{service=\"default-app-80@kubernetes\",stage=\"connect\"} 2\n");
        await Assert.That(text).Contains("traefik_service_requests_total{code=\"502\",method=\"GET\",protocol=\"http\",service=\"default-app-80@kubernetes\"} 2\n");
    }
}
