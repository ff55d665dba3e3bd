using System.Security.Cryptography.X509Certificates;
using Edge.Configuration;
using Edge.Observability.Logging;
using k8s;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// Chooses the Kubernetes client the way Traefik does: in-cluster when KUBERNETES_SERVICE_HOST and
/// _PORT are set (the endpoint option overriding the address), else the file named by KUBECONFIG,
/// else an external client from endpoint + token + certAuthFilePath (a kubectl-proxy URL needs none).
/// </summary>
public static class KubeClientFactory
{
    public const string DefaultServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static KubernetesClientConfiguration BuildConfiguration(ProviderOptions options, Func<string, string?>? getEnv = null)
    {
        getEnv ??= Environment.GetEnvironmentVariable;
        var host = getEnv("KUBERNETES_SERVICE_HOST");
        var port = getEnv("KUBERNETES_SERVICE_PORT");
        if (!string.IsNullOrEmpty(host) && !string.IsNullOrEmpty(port))
        {
            // EDGE_SERVICE_ACCOUNT_DIR exists for tests; in a pod the standard path is used.
            var dir = getEnv("EDGE_SERVICE_ACCOUNT_DIR") ?? DefaultServiceAccountDir;
            var address = options.Endpoint.Length > 0 ? options.Endpoint
                : "https://" + (host.Contains(':') ? $"[{host}]" : host) + ":" + port;
            Log.Info("Creating in-cluster Provider client", ("endpoint", address));
            var cfg = new KubernetesClientConfiguration
            {
                Host = address,
                TokenProvider = new FileTokenProvider(Path.Combine(dir, "token")),
            };
            var ca = Path.Combine(dir, "ca.crt");
            if (File.Exists(ca)) cfg.SslCaCerts = LoadCa(ca, "service account ca.crt");
            var nsFile = Path.Combine(dir, "namespace");
            if (File.Exists(nsFile)) cfg.Namespace = File.ReadAllText(nsFile).Trim();
            return cfg;
        }

        var kubeconfig = getEnv("KUBECONFIG");
        if (!string.IsNullOrEmpty(kubeconfig))
        {
            Log.Info("Creating cluster-external Provider client from KUBECONFIG", ("kubeconfig", kubeconfig));
            // KUBECONFIG may list several files; like kubectl, the first one that exists is used.
            var file = kubeconfig.Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(File.Exists)
                ?? throw new ConfigException("KUBECONFIG", $"an existing kubeconfig file, got \"{kubeconfig}\"");
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(file);
        }

        var endpoint = options.Endpoint.Length > 0 ? options.Endpoint : "http://localhost:8080";
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new ConfigException("providers.kubernetesIngress.endpoint", $"an http(s) URL, got \"{endpoint}\"");
        Log.Info("Creating cluster-external Provider client", ("endpoint", endpoint));
        var external = new KubernetesClientConfiguration { Host = endpoint };
        var token = ReadFileOrContent(options.Token);
        if (token.Length > 0) external.AccessToken = token;
        if (options.CertAuthFilePath.Length > 0)
            external.SslCaCerts = LoadCa(options.CertAuthFilePath, "providers.kubernetesIngress.certAuthFilePath");
        return external;
    }

    /// <summary>Traefik's FileOrContent: a path to an existing file is read, anything else is the value.</summary>
    public static string ReadFileOrContent(string value)
    {
        if (value.Length == 0) return "";
        try
        {
            if (value.Length < 4096 && File.Exists(value)) return File.ReadAllText(value).Trim();
        }
        catch (IOException) { }
        return value.Trim();
    }

    private static X509Certificate2Collection LoadCa(string path, string option)
    {
        try
        {
            var certs = new X509Certificate2Collection();
            certs.ImportFromPemFile(path);
            if (certs.Count == 0) throw new ConfigException(option, $"a PEM certificate file, {path} holds none");
            return certs;
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw new ConfigException(option, $"a readable PEM CA file ({path}: {e.Message})");
        }
    }

    /// <summary>Re-reads the projected service-account token, which the kubelet rotates.</summary>
    private sealed class FileTokenProvider(string path) : k8s.Authentication.ITokenProvider
    {
        private string _token = "";
        private DateTime _readAt = DateTime.MinValue;

        public Task<System.Net.Http.Headers.AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
        {
            if (DateTime.UtcNow - _readAt > TimeSpan.FromMinutes(1))
            {
                try { _token = File.ReadAllText(path).Trim(); _readAt = DateTime.UtcNow; }
                catch (IOException e) { Log.Error("Cannot read service account token", ("path", path), ("error", e.Message)); }
            }
            return Task.FromResult(new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _token));
        }
    }
}
