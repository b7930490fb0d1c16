//! Search precision on the real feed (`tests/data/real-feed/`): for each
//! query, the posts that must be found, computed here from the posts' fields
//! with a word split of our own, never from the matcher's output, and
//! compared with the whole result set: precision (the share of the rows that
//! are relevant) and recall (the share of the relevant posts that are
//! listed), both at least 0.95 per query.
//!
//! The rule (README, "Ranking"): a plain term holds in a post when a word of
//! its title, tags, source, tldr or summary is the term or starts with it
//! (smart case: a capital makes it case-sensitive). When some post holds it,
//! only those are listed; a typo or letters in order count only when none
//! does. Among the posts that hold a term: the title above tags, source,
//! then summary/tldr; a whole word above a word start in the same field;
//! newest first among equals.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test, bench or example: a failure is its own"
)]

use std::collections::HashSet;

mod common;
use common::list_real_feed;

#[derive(Debug, Clone)]
struct Doc {
    path: String,
    title: String,
    tags: Vec<String>,
    source: String,
    text: String,
    section: String,
    kind: String,
    date: String,
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

fn lower_words(s: &str) -> Vec<String> {
    words(&s.to_lowercase())
}

/// How a term holds in a post's field: 0 a whole word, 1 a word start.
fn in_field(field: &str, term: &str) -> Option<u8> {
    let case_sensitive = term.chars().any(char::is_uppercase);
    let ws = if case_sensitive { words(field) } else { lower_words(field) };
    if ws.iter().any(|w| w == term) {
        Some(0)
    } else if ws.iter().any(|w| w.starts_with(term)) {
        Some(1)
    } else {
        None
    }
}

impl Doc {
    /// Every word of title, tags, source, summary and tldr, lower-cased.
    fn has_word(&self, w: &str) -> bool {
        let all = format!("{} {} {} {}", self.title, self.tags.join(" "), self.source, self.text);
        lower_words(&all).iter().any(|x| x == w)
    }
    /// Where and how a plain term holds: (field: 0 title, 1 tags, 2 source,
    /// 3 summary/tldr; 0 whole word, 1 word start), the best field first.
    /// Terms of fewer than 3 letters are not looked for in the long text.
    fn holds(&self, term: &str) -> Option<(u8, u8)> {
        let tags = self.tags.join("\n");
        let text = if term.chars().count() >= 3 { self.text.as_str() } else { "" };
        [self.title.as_str(), tags.as_str(), self.source.as_str(), text]
            .iter()
            .enumerate()
            .find_map(|(i, f)| in_field(f, term).map(|how| (i as u8, how)))
    }
    fn tag_word(&self, w: &str) -> bool {
        self.tags.iter().any(|t| lower_words(t).iter().any(|x| x == w))
    }
    fn source_word(&self, w: &str) -> bool {
        lower_words(&self.source).iter().any(|x| x == w)
    }
    fn phrase(&self, p: &str) -> bool {
        let all =
            format!("{} {} {} {}", self.title, self.tags.join(" "), self.source, self.text).to_lowercase();
        all.contains(p)
    }
}

fn list(query: Option<&str>) -> Vec<serde_json::Value> {
    match query {
        Some(q) => list_real_feed(&["-q", q]),
        None => list_real_feed(&[]),
    }
}

fn doc(v: &serde_json::Value) -> Doc {
    let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
    Doc {
        path: s("path"),
        title: s("title"),
        tags: v["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(v["categories"].as_array().into_iter().flatten())
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        source: s("source"),
        text: format!("{} {}", s("summary"), s("tldr")),
        section: s("section"),
        kind: s("kind"),
        date: s("date"),
    }
}

type Relevant = Box<dyn Fn(&Doc) -> bool>;

#[test]
fn precision_and_recall_per_query() {
    let corpus: Vec<Doc> = list(None).iter().map(doc).collect();
    assert!(corpus.len() > 600, "the real feed loads");
    // Every term holds (as a word or a word start).
    let all = |xs: &'static [&'static str]| -> Relevant {
        Box::new(move |d: &Doc| xs.iter().all(|x| d.holds(x).is_some()))
    };
    let w = |x: &'static str| -> Relevant { Box::new(move |d: &Doc| d.holds(x).is_some()) };
    let mut table: Vec<(&str, Relevant)> = Vec::new();
    // Project names and products of the field, one word each.
    for name in [
        "octant",
        "karpenter",
        "cilium",
        "gitops",
        "opentelemetry",
        "keda",
        "velero",
        "crossplane",
        "falco",
        "knative",
        "containerd",
        "aks",
        "linkerd",
        "istio",
        "argo",
        "helm",
        "flux",
        "calico",
        "prometheus",
        "grafana",
        "terraform",
        "trivy",
        "kyverno",
        "eks",
        "gke",
        "openshift",
        "rancher",
        "k3s",
        "minikube",
        "etcd",
        "coredns",
        "tekton",
        "jenkins",
        "ebpf",
        "nginx",
        "envoy",
        "kubecon",
        "vault",
        "bedrock",
    ] {
        table.push((name, w(name)));
    }
    // Capitalised: case-sensitive, the same kind of set.
    for name in ["Istio", "Karpenter", "AKS", "EKS", "Elli", "Jenkins"] {
        table.push((name, w(name)));
    }
    // Typos of names: their posts (no post has the typo itself).
    table.push(("karpetner", w("karpenter")));
    table.push(("promethues", w("prometheus")));
    table.push(("terrafrom", w("terraform")));
    table.push(("kyvreno", w("kyverno")));
    // Several words: every post holding all of them.
    table.push(("kubernetes upgrade", all(&["kubernetes", "upgrade"])));
    table.push(("argo rollouts", all(&["argo", "rollouts"])));
    table.push(("istio ambient", all(&["istio", "ambient"])));
    table.push(("helm chart", all(&["helm", "chart"])));
    table.push(("eks karpenter", all(&["eks", "karpenter"])));
    table.push(("aks security", all(&["aks", "security"])));
    // Tags and sources mean their words.
    table.push(("#eks", Box::new(|d: &Doc| d.tag_word("eks"))));
    table.push(("#security", Box::new(|d: &Doc| d.tag_word("security"))));
    table.push(("source:gke", Box::new(|d: &Doc| d.source_word("gke"))));
    table.push(("@aws", Box::new(|d: &Doc| d.source_word("aws"))));
    // Negation, phrase, section and kind, exact word, title start.
    table.push((
        "helm -#helm",
        Box::new(|d: &Doc| d.holds("helm").is_some() && !d.tags.iter().any(|t| t.contains("helm"))),
    ));
    table.push(("\"service mesh\"", Box::new(|d: &Doc| d.phrase("service mesh"))));
    table.push(("in:releases eks", Box::new(|d: &Doc| d.section == "releases" && d.holds("eks").is_some())));
    table.push(("kind:event kubecon", Box::new(|d: &Doc| d.kind == "event" && d.holds("kubecon").is_some())));
    table.push(("'ebpf", Box::new(|d: &Doc| d.has_word("ebpf"))));
    table.push(("^kubernetes", Box::new(|d: &Doc| d.title.to_lowercase().starts_with("kubernetes"))));
    assert!(table.len() >= 40);
    let mut report = Vec::new();
    let mut failed = Vec::new();
    for (q, relevant) in &table {
        let rows: Vec<Doc> = list(Some(q)).iter().map(doc).collect();
        let want: HashSet<&str> = corpus.iter().filter(|d| relevant(d)).map(|d| d.path.as_str()).collect();
        assert!(!want.is_empty(), "{q}: the real feed has no relevant post; pick another query");
        let got: HashSet<&str> = rows.iter().map(|d| d.path.as_str()).collect();
        let hits = rows.iter().filter(|d| want.contains(d.path.as_str())).count();
        let precision = hits as f64 / rows.len().max(1) as f64;
        let recall = want.iter().filter(|p| got.contains(*p)).count() as f64 / want.len() as f64;
        report.push(format!(
            "{q:>22}: precision {precision:.2}  recall {recall:.2}  ({} relevant, {} rows)",
            want.len(),
            rows.len()
        ));
        if precision < 0.95 || recall < 0.95 {
            let missing: Vec<&&str> = want.iter().filter(|p| !got.contains(**p)).take(3).collect();
            let junk: Vec<&str> = rows
                .iter()
                .filter(|d| !want.contains(d.path.as_str()))
                .take(3)
                .map(|d| d.title.as_str())
                .collect();
            failed.push(format!(
                "{q}: precision {precision:.2}, recall {recall:.2}; listed without it {junk:?}; missing {missing:?}"
            ));
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(failed.is_empty(), "below 0.95 / 0.95:\n{}", failed.join("\n"));
}

/// The ranking rule, checked on the snapshot for one-word queries: the
/// rows come in order of (field, whole word before word start), newest
/// first among equals, computed from the fields here.
#[test]
fn the_written_ranking_rule_holds() {
    for q in
        ["kubernetes", "helm", "aks", "upgrade", "prometheus", "gateway", "jenkins", "Kubernetes", "kube"]
    {
        let rows: Vec<Doc> = list(Some(q)).iter().map(doc).collect();
        assert!(rows.len() > 2, "{q}");
        let when = |d: &Doc| chrono::DateTime::parse_from_rfc3339(&d.date).map(|t| t.timestamp()).ok();
        let keys: Vec<((u8, u8), Option<i64>, &str)> = rows
            .iter()
            .map(|d| {
                let how = d.holds(q).unwrap_or_else(|| panic!("{q}: {:?} does not hold it", d.title));
                (how, when(d), d.title.as_str())
            })
            .collect();
        for w in keys.windows(2) {
            let ((a, da, ta), (b, db, tb)) = (w[0], w[1]);
            assert!(a <= b, "{q}: {ta:?} {a:?} ranks above {tb:?} {b:?}");
            if a == b
                && let (Some(da), Some(db)) = (da, db)
            {
                assert!(da >= db, "{q}: among equals, newest first: {ta:?} {da} before {tb:?} {db}");
            }
        }
    }
}

/// The rows a query must never show: scattered letters, other fields.
#[test]
fn fields_keep_to_themselves() {
    for r in list(Some("#eks")) {
        let d = doc(&r);
        assert!(d.tag_word("eks"), "#eks listed {:?} with tags {:?}", d.title, d.tags);
    }
    for r in list(Some("source:gke")) {
        let d = doc(&r);
        assert!(d.source_word("gke"), "source:gke listed {:?} from {:?}", d.title, d.source);
    }
    // Every post naming Octant as a word ranks above every one that does not.
    let rows: Vec<Doc> = list(Some("octant")).iter().map(doc).collect();
    let first_without = rows.iter().position(|d| !d.has_word("octant")).unwrap_or(rows.len());
    assert!(
        rows[first_without..].iter().all(|d| !d.has_word("octant")),
        "{:?}",
        rows.iter().map(|d| &d.title).collect::<Vec<_>>()
    );
    // Every row of a query whose words some post holds holds every word.
    for q in ["kubernetes upgrade", "karpenter", "knative", "linkerd", "containerd"] {
        let terms: Vec<&str> = q.split(' ').collect();
        let rows: Vec<Doc> = list(Some(q)).iter().map(doc).collect();
        assert!(!rows.is_empty(), "{q}");
        for d in &rows {
            assert!(
                terms.iter().all(|t| d.holds(t).is_some()),
                "{q}: {:?} does not hold every word",
                d.title
            );
        }
    }
    // A capitalised term: the first rows hold the word as written.
    let rows: Vec<Doc> = list(Some("Elli")).iter().map(doc).collect();
    assert!(
        rows.first().is_some_and(|d| words(&format!("{} {}", d.title, d.text)).iter().any(|w| w == "Elli"))
    );
    // A query that starts with a dash is a query, not an option.
    assert!(!list(Some("-#event")).is_empty());
}
