using Edge.Kubernetes;
using k8s.Models;

namespace Edge.Translation;

/// <summary>
/// Per-Ingress translation results kept between translations. Informers replace an object on
/// every change and never mutate one, so "the same Ingress, the same Services, EndpointSlices and
/// Secrets it names (by reference)" means "the same fragment": at 10,000 Ingresses a change
/// re-translates one Ingress instead of all of them. Anything global (IngressClasses, Nodes)
/// changing drops every entry. Not used in tenancy mode, whose policy edits routers after
/// translation.
/// </summary>
public sealed class TranslationMemo
{
    private static readonly object EndOfSlices = new();
    // Keyed by the Ingress object itself: a changed Ingress is a new object, so it misses.
    private Dictionary<V1Ingress, (object[] Dependencies, IngressFragment Fragment)> _entries = new(ReferenceEqualityComparer.Instance);
    private Dictionary<V1Ingress, (object[] Dependencies, IngressFragment Fragment)> _next = new(ReferenceEqualityComparer.Instance);
    private object[] _globals = [];

    public int Reused { get; private set; }
    public int Translated { get; private set; }

    /// <summary>Starts a translation: forgets everything when a global input changed.</summary>
    internal void Begin(ClusterSnapshot snapshot, HashSet<string>? classNames)
    {
        var globals = new List<object>();
        foreach (var n in snapshot.Nodes) globals.Add(n);
        globals.Add(EndOfSlices);
        if (classNames is not null) foreach (var c in classNames.Order(StringComparer.Ordinal)) globals.Add(c);
        var next = globals.ToArray();
        if (!Same(next, _globals)) _entries.Clear();
        _globals = next;
        _next = new(_entries.Count, ReferenceEqualityComparer.Instance);
        Reused = Translated = 0;
    }

    internal IngressFragment GetOrTranslate(ClusterSnapshot snapshot, V1Ingress ingress, string ns, Func<IngressFragment> translate)
    {
        var deps = Dependencies(snapshot, ingress, ns);
        IngressFragment fragment;
        if (_entries.TryGetValue(ingress, out var hit) && Same(hit.Dependencies, deps))
        {
            fragment = hit.Fragment;
            Reused++;
        }
        else
        {
            fragment = translate();
            Translated++;
        }
        _next[ingress] = (deps, fragment);
        return fragment;
    }

    /// <summary>Ends a translation: Ingresses not seen this time are forgotten.</summary>
    internal void End() => (_entries, _next) = (_next, _entries);

    /// <summary>The objects a fragment was computed from, besides the Ingress: each Service named (and its slices) and each TLS Secret.</summary>
    private static object[] Dependencies(ClusterSnapshot snapshot, V1Ingress ingress, string ns)
    {
        var deps = new List<object>();
        void AddService(string? name)
        {
            if (string.IsNullOrEmpty(name)) return;
            deps.Add((object?)snapshot.GetService(ns, name) ?? EndOfSlices);
            foreach (var slice in snapshot.GetEndpointSlicesForService(ns, name)) deps.Add(slice);
            deps.Add(EndOfSlices);
        }
        var spec = ingress.Spec;
        AddService(spec?.DefaultBackend?.Service?.Name);
        foreach (var rule in spec?.Rules ?? [])
            foreach (var path in rule.Http?.Paths ?? [])
                AddService(path.Backend?.Service?.Name);
        foreach (var tls in spec?.Tls ?? [])
            if (!string.IsNullOrEmpty(tls.SecretName))
                deps.Add((object?)snapshot.GetSecret(ns, tls.SecretName) ?? EndOfSlices);
        return deps.ToArray();
    }

    private static bool Same(object[] a, object[] b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (!ReferenceEquals(a[i], b[i]) && !(a[i] is string s && b[i] is string t && s == t)) return false;
        return true;
    }
}
