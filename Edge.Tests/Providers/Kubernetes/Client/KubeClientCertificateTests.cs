using Edge.Configuration;
using Edge.Providers.Kubernetes.Client;
using k8s;

namespace Edge.Tests.Providers.Kubernetes.Client;

/// <summary>A broken client certificate in a kubeconfig is a configuration error naming it, not a crash.</summary>
public class KubeClientCertificateTests
{
    [Test]
    public async Task Broken_client_certificate_PEM_is_a_config_error()
    {
        var config = new KubernetesClientConfiguration
        {
            Host = "https://127.0.0.1:6443",
            ClientCertificateData = Convert.ToBase64String("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n"u8.ToArray()),
            ClientCertificateKeyData = Convert.ToBase64String("not a key"u8.ToArray()),
        };
        var e = await Assert.ThrowsAsync<ConfigException>(() => Task.Run(() => KubeHttpHandler.Create(config)));
        await Assert.That(e!.Message).Contains("kubeconfig client-certificate");
    }

    [Test]
    public async Task Missing_client_certificate_file_is_a_config_error()
    {
        var config = new KubernetesClientConfiguration
        {
            Host = "https://127.0.0.1:6443",
            ClientCertificateFilePath = "/nonexistent/client.crt",
            ClientKeyFilePath = "/nonexistent/client.key",
        };
        var e = await Assert.ThrowsAsync<ConfigException>(() => Task.Run(() => KubeHttpHandler.Create(config)));
        await Assert.That(e!.Message).Contains("/nonexistent/client.crt");
    }
}
