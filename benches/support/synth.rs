//! A synthetic feed for benchmarks and load tests: posts in the feed's
//! format with realistic lengths (about 1.8 KB a file). The same index gives
//! the same post. Used by `examples/gen_corpus.rs` and `benches/`.
#![allow(dead_code)] // each user of this file needs only part of it

use std::fmt::Write as _;

/// splitmix64: small, fast, deterministic.
pub struct Rng(pub u64);
impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const WORDS: &[&str] = &[
    "cluster",
    "release",
    "latency",
    "kernel",
    "compiler",
    "async",
    "runtime",
    "memory",
    "network",
    "proxy",
    "gateway",
    "storage",
    "database",
    "index",
    "query",
    "cache",
    "security",
    "policy",
    "token",
    "identity",
    "observability",
    "tracing",
    "metrics",
    "logging",
    "profiling",
    "scheduler",
    "container",
    "image",
    "registry",
    "build",
    "deploy",
    "rollout",
    "canary",
    "mesh",
    "sidecar",
    "envoy",
    "controller",
    "operator",
    "webhook",
    "upgrade",
    "migration",
    "benchmark",
    "throughput",
    "allocation",
    "garbage",
    "pointer",
    "lifetime",
    "borrow",
    "thread",
    "future",
    "stream",
    "channel",
    "socket",
    "packet",
    "firewall",
    "certificate",
    "rotation",
    "secret",
    "vulnerability",
    "patch",
    "supply",
    "chain",
    "signature",
    "provenance",
    "model",
    "inference",
    "training",
    "vector",
    "embedding",
    "search",
    "ranking",
    "feed",
    "reader",
    "terminal",
    "editor",
    "plugin",
    "extension",
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "for",
    "with",
    "on",
    "how",
    "why",
    "what",
    "we",
    "our",
    "new",
    "fast",
    "safe",
    "simple",
    "better",
    "faster",
    "smaller",
    "open",
    "source",
    "project",
    "team",
    "production",
    "scale",
];

const TAGS: &[&str] = &[
    "kubernetes",
    "kubeflow",
    "kube-proxy",
    "kubectl",
    "security",
    "networking",
    "gateway",
    "gateway-api",
    "envoy",
    "cncf",
    "rust",
    "async",
    "go",
    "python",
    "java",
    "javascript",
    "typescript",
    "webassembly",
    "linux",
    "kernel",
    "ebpf",
    "observability",
    "opentelemetry",
    "prometheus",
    "grafana",
    "databases",
    "postgres",
    "sqlite",
    "mysql",
    "redis",
    "kafka",
    "storage",
    "performance",
    "compilers",
    "llvm",
    "ai",
    "machine-learning",
    "llm",
    "devops",
    "sre",
    "reliability",
    "cloud",
    "aws",
    "gcp",
    "azure",
    "serverless",
    "service-mesh",
    "istio",
    "linkerd",
    "cilium",
    "helm",
    "argo",
    "gitops",
    "terraform",
    "ci",
    "testing",
    "fuzzing",
    "supply-chain",
    "sigstore",
    "release",
    "tooling",
    "terminal",
    "editors",
    "git",
    "web",
    "css",
    "frontend",
    "http",
    "dns",
    "tls",
    "quic",
    "privacy",
    "accessibility",
    "open-source",
    "culture",
    "career",
];

const SOURCES: &[&str] = &[
    "Kubernetes Blog",
    "CNCF Blog",
    "Rust Blog",
    "LWN.net",
    "Cloudflare Blog",
    "The Go Blog",
    "GitHub Blog",
    "Envoy Proxy Blog",
    "Grafana Labs Blog",
    "PostgreSQL News",
    "Python Insider",
    "Mozilla Hacks",
    "Tailscale Blog",
    "Fly.io Blog",
    "Isovalent Blog",
    "Kubeflow Blog",
    "Jepsen",
    "Julia Evans",
    "Ars Technica",
    "Honeycomb Blog",
    "Tokio Blog",
    "Fermyon Blog",
    "Bytecode Alliance",
    "web.dev",
    "Google SRE Blog",
    "Supabase Blog",
    "Astral Blog",
    "Helix Blog",
    "Ratatui Blog",
    "Trail of Bits Blog",
];

fn sentence(r: &mut Rng, min: usize, max: usize) -> String {
    let n = min + r.below(max - min + 1);
    let mut s = String::new();
    for i in 0..n {
        let w = r.pick(WORDS);
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s
}

/// YAML single-quoted and folded at about 80 columns, like the real feed.
fn quoted(s: &str) -> String {
    let s = format!("'{}'", s.replace('\'', "''"));
    let mut out = String::new();
    let mut col = 0;
    for (i, word) in s.split(' ').enumerate() {
        if i > 0 {
            if col + word.len() > 78 {
                out.push_str("\n  ");
                col = 2;
            } else {
                out.push(' ');
                col += 1;
            }
        }
        out.push_str(word);
        col += word.len();
    }
    out
}

/// One generated post.
pub struct Synth {
    /// Where it goes below the corpus folder: `YYYY/MM/NNNNNN-slug.md`.
    pub rel_path: String,
    pub text: String,
    /// title, #tags, source: the line `fzf --filter` is given.
    pub fzf_line: String,
}

/// Post `i` of `n`; dates spread over ten years, newest first in index order.
pub fn post(i: usize, n: usize) -> Synth {
    let mut r = Rng(0x5eed ^ (i as u64).wrapping_mul(0x9e37_79b9));
    r.next_u64();
    let title = sentence(&mut r, 4, 11);
    let ntags = 1 + r.below(4);
    let mut tags: Vec<&str> = Vec::new();
    while tags.len() < ntags {
        let t = r.pick(TAGS);
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    let source = r.pick(SOURCES);
    let day = 3650 - (i * 3650 / n.max(1));
    let (y, m, d) = (2016 + day / 365, 1 + (day % 365) / 31 % 12, 1 + day % 28);
    let date = format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:00+00:00", r.below(24), r.below(60));
    let tldr = format!("{}.", sentence(&mut r, 18, 36));
    let mut summary = String::new();
    for _ in 0..(6 + r.below(8)) {
        let _ = write!(summary, "{}. ", sentence(&mut r, 10, 24));
    }
    let slug: String = title.to_lowercase().split(' ').take(6).collect::<Vec<_>>().join("-");
    let url = format!("https://example.org/{y}/{m:02}/{slug}-{i}");
    let mut text = format!("---\ntitle: {}\ndate: '{date}'\ntags:\n", quoted(&title));
    for t in &tags {
        let _ = writeln!(text, "- {t}");
    }
    let _ = write!(
        text,
        "source: {source}\nexternal_url: {url}\npost_kind: link\ndraft: false\ntldr: {}\nsummary: {}\n---\nOpen the original post ↗ {url}\n",
        quoted(&tldr),
        quoted(summary.trim_end())
    );
    let hashtags: Vec<String> = tags.iter().map(|t| format!("#{t}")).collect();
    Synth {
        rel_path: format!("{y:04}/{m:02}/{i:06}-{slug}.md"),
        text,
        fzf_line: format!("{title} {} {source}", hashtags.join(" ")),
    }
}

/// `n` generated posts parsed into a feed, without touching the disk.
pub fn feed(n: usize) -> linkfeed::feed::Feed {
    linkfeed::feed::assemble((0..n).map(|i| {
        let s = post(i, n);
        linkfeed::feed::frontmatter::parse_post(std::path::Path::new(&s.rel_path), &s.text)
    }))
}
