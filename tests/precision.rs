//! Search precision on the real feed (`tests/data/real-feed/`): for each query,
//! the posts that must come first and the posts that must be found, computed
//! here from the posts' fields with a word split of our own, never from the
//! matcher's output. Reports precision@5 and recall per query; fails below
//! 1.0 / 0.95.
//!
//! precision@5: of the first k rows (k = 5, or fewer when fewer posts are
//! relevant), the share that is relevant. recall: the share of the relevant
//! posts that are listed at all.

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
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

fn lower_words(s: &str) -> Vec<String> {
    words(&s.to_lowercase())
}

impl Doc {
    /// Every word of title, tags, source, summary and tldr, lower-cased.
    fn has_word(&self, w: &str) -> bool {
        let all = format!("{} {} {} {}", self.title, self.tags.join(" "), self.source, self.text);
        lower_words(&all).iter().any(|x| x == w)
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
    }
}

type Relevant = Box<dyn Fn(&Doc) -> bool>;

#[test]
fn precision_and_recall_per_query() {
    let corpus: Vec<Doc> = list(None).iter().map(doc).collect();
    assert!(corpus.len() > 600, "the real feed loads");
    let w = |x: &'static str| -> Relevant { Box::new(move |d: &Doc| d.has_word(x)) };
    let all = |xs: &'static [&'static str]| -> Relevant {
        Box::new(move |d: &Doc| xs.iter().all(|x| d.has_word(x)))
    };
    let table: Vec<(&str, Relevant)> = vec![
        // Single words.
        ("octant", w("octant")),
        ("karpenter", w("karpenter")),
        ("cilium", w("cilium")),
        ("gitops", w("gitops")),
        ("opentelemetry", w("opentelemetry")),
        ("keda", w("keda")),
        ("velero", w("velero")),
        ("crossplane", w("crossplane")),
        ("falco", w("falco")),
        // Two words: every post holding both as words.
        ("kubernetes upgrade", all(&["kubernetes", "upgrade"])),
        ("argo rollouts", all(&["argo", "rollouts"])),
        ("istio ambient", all(&["istio", "ambient"])),
        // Tags and sources mean their words.
        ("#eks", Box::new(|d: &Doc| d.tag_word("eks"))),
        ("#security", Box::new(|d: &Doc| d.tag_word("security"))),
        ("source:gke", Box::new(|d: &Doc| d.source_word("gke"))),
        ("@aws", Box::new(|d: &Doc| d.source_word("aws"))),
        // A typo finds the word.
        ("karpetner", w("karpenter")),
        // A capital: case-sensitive.
        (
            "Elli",
            Box::new(|d: &Doc| {
                format!("{} {}", d.title, d.text).split(|c: char| !c.is_alphanumeric()).any(|x| x == "Elli")
            }),
        ),
        // Negation, phrase, section and kind, exact word, title start.
        (
            "helm -#helm",
            Box::new(|d: &Doc| {
                d.has_word("helm") && !d.tag_word("helm") && !d.tags.iter().any(|t| t.contains("helm"))
            }),
        ),
        ("\"service mesh\"", Box::new(|d: &Doc| d.phrase("service mesh"))),
        ("in:releases eks", Box::new(|d: &Doc| d.section == "releases" && d.has_word("eks"))),
        ("kind:event kubecon", Box::new(|d: &Doc| d.kind == "event" && d.has_word("kubecon"))),
        ("'ebpf", w("ebpf")),
        ("^kubernetes", Box::new(|d: &Doc| d.title.to_lowercase().starts_with("kubernetes"))),
    ];
    assert!(table.len() >= 20);
    let mut report = Vec::new();
    let mut failed = Vec::new();
    for (q, relevant) in &table {
        let rows: Vec<Doc> = list(Some(q)).iter().map(doc).collect();
        let want: HashSet<&str> = corpus.iter().filter(|d| relevant(d)).map(|d| d.path.as_str()).collect();
        assert!(!want.is_empty(), "{q}: the real feed has no relevant post; pick another query");
        let k = want.len().min(5);
        let top_ok = rows.iter().take(k).filter(|d| want.contains(d.path.as_str())).count();
        let precision = top_ok as f64 / k as f64;
        let got: HashSet<&str> = rows.iter().map(|d| d.path.as_str()).collect();
        let recall = want.iter().filter(|p| got.contains(*p)).count() as f64 / want.len() as f64;
        report.push(format!(
            "{q:>22}: precision@{k} {precision:.2}  recall {recall:.2}  ({} relevant, {} rows)",
            want.len(),
            rows.len()
        ));
        if precision < 1.0 || recall < 0.95 {
            let missing: Vec<&&str> = want.iter().filter(|p| !got.contains(**p)).take(3).collect();
            let top: Vec<&str> = rows.iter().take(k).map(|d| d.title.as_str()).collect();
            failed.push(format!(
                "{q}: precision {precision:.2}, recall {recall:.2}; top {top:?}; missing {missing:?}"
            ));
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(failed.is_empty(), "below 1.0 / 0.95:\n{}", failed.join("\n"));
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
    // The same for both words of a two-word query.
    for q in ["kubernetes upgrade", "karpenter"] {
        let terms: Vec<&str> = q.split(' ').collect();
        let rows: Vec<Doc> = list(Some(q)).iter().map(doc).collect();
        let holds = |d: &Doc| terms.iter().all(|t| d.has_word(t));
        let first_without = rows.iter().position(|d| !holds(d)).unwrap_or(rows.len());
        assert!(
            rows[first_without..].iter().all(|d| !holds(d)),
            "{q}: a post with every word ranks below one without"
        );
    }
    // A capitalised term: the first rows hold the word as written.
    let rows: Vec<Doc> = list(Some("Elli")).iter().map(doc).collect();
    assert!(
        rows.first().is_some_and(|d| words(&format!("{} {}", d.title, d.text)).iter().any(|w| w == "Elli"))
    );
    // A query that starts with a dash is a query, not an option.
    assert!(!list(Some("-#event")).is_empty());
}
