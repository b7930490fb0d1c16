//! `linkfeed article URL|PATH`: the extracted article as Markdown on stdout
//! (for scripts and pagers), from the cache when kept.

use super::{CliError, Context};
use crate::article::{self, Article};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn run(target: &str, refresh: bool, cx: &Context) -> Result<ExitCode, CliError> {
    let options = cx.config.article_options();
    let article = if target.starts_with("http://") || target.starts_with("https://") {
        fetched(target, &options, refresh)?
    } else {
        let path = Path::new(target);
        if crate::feed::is_post_file(path) {
            let bytes = std::fs::read(path).map_err(CliError::file(path))?;
            let (post, _) =
                crate::feed::parse_bytes(path, &bytes).map_err(|p| CliError::Invalid(p.to_string()))?;
            if post.url.is_empty() {
                return Err(CliError::Invalid(format!("{}: the post has no link", path.display())));
            }
            fetched(&post.url, &options, refresh)?
        } else {
            saved_page(path)?
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    write!(out, "{}", as_text(&article))?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// A refusal in the command line's words: the reader's key (`o`) means
/// nothing here.
fn cli_words(why: &str) -> String {
    why.replace("; `o` opens the page in the browser", "; open it in a browser")
        .replace("; `o` opens the page", "; open it in a browser")
        .replace("; `o` opens it", "; open it in a browser")
}

fn fetched(url: &str, options: &article::Options, refresh: bool) -> Result<Article, CliError> {
    let safe = crate::text::sanitize::safe_url(url)
        .map_err(|e| CliError::Invalid(format!("{}: {e}", crate::text::sanitize::one_line(url))))?;
    article::get(&safe, options, refresh).map(|(a, _)| a).map_err(|e| {
        CliError::Invalid(format!("{}: {}", crate::text::sanitize::one_line(url), cli_words(&e.to_string())))
    })
}

/// A page saved to a file, read as it is (its `<meta>` charset honoured).
fn saved_page(path: &Path) -> Result<Article, CliError> {
    let bytes = std::fs::read(path).map_err(CliError::file(path))?;
    let absolute = std::path::absolute(path).map_err(CliError::file(path))?;
    let base = url::Url::from_file_path(&absolute).map(|u| u.to_string()).unwrap_or_default();
    let page = article::fetch::Page {
        html: article::fetch::decode(&bytes, None),
        final_url: base.clone(),
        status: 200,
        etag: None,
        last_modified: None,
    };
    article::extract::article(&page, &base)
        .map_err(|e| CliError::Invalid(format!("{}: {}", path.display(), cli_words(&e.to_string()))))
}

/// The article as Markdown: title, a line of what it is, its address, the text.
pub fn as_text(a: &Article) -> String {
    let mut about = vec![a.site.clone()];
    about.extend(a.byline.clone());
    about.push(format!("{} words", a.words));
    format!("# {}\n\n{}  \n<{}>\n\n{}\n", a.title, about.join(" · "), a.final_url, a.markdown)
}
