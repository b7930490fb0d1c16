//! Running a `[share]` target or the `pipe` command: the program and its
//! arguments as the template made them (no shell), in the background, its
//! own process group, standard output discarded; how it ended and its
//! first line of errors come back as `Action::Ran`.

use super::inbox::Outbox;
use crate::app::{Action, HostError};
use std::io::{Read, Write};
use std::process::{Command, Stdio};

/// At most this much of a command's standard error is read.
const ERRORS_KEPT: u64 = 4096;

/// A command to run and what its standard input gets; or why it cannot be
/// run (the post's file is gone).
pub type Job = Result<(Vec<String>, Option<Vec<u8>>), HostError>;

/// Runs `jobs` one after the other in the background (named `what` on the
/// status bar); stops at the first that fails, and says which.
pub fn run_jobs(what: String, jobs: Vec<Job>, outbox: Outbox) {
    std::thread::spawn(move || {
        let n = jobs.len();
        let mut result = Ok(());
        for (i, job) in jobs.into_iter().enumerate() {
            let ran = job.and_then(|(argv, input)| run(&argv, input.as_deref()));
            if let Err(e) = ran {
                result =
                    Err(if n > 1 { HostError::Command(format!("post {} of {n}: {e}", i + 1)) } else { e });
                break;
            }
        }
        let what = if n > 1 && result.is_ok() { format!("{what} ({n} posts)") } else { what };
        outbox.send(Action::Ran { what, result });
    });
}

/// `template`'s command for `post`.
pub fn argv_for(template: &crate::text::template::Template, post: &crate::app::Shared) -> Vec<String> {
    let values = post_values(post);
    template.argv(&values.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
}

/// Runs `argv` to its end: `Ok` when it exited 0.
pub fn run(argv: &[String], input: Option<&[u8]>) -> Result<(), HostError> {
    let Some((program, args)) = argv.split_first() else {
        return Err(HostError::Command("no command".into()));
    };
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group: a Ctrl-C meant for the reader is not its.
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().map_err(|e| HostError::Command(format!("cannot run {program}: {e}")))?;
    // Written from a thread of its own, closed when done: a command that
    // writes errors before it reads cannot stall on us.
    let writer = match (input, child.stdin.take()) {
        (Some(bytes), Some(mut stdin)) => {
            let bytes = bytes.to_vec();
            // A command that stops reading early is its own business.
            Some(std::thread::spawn(move || drop(stdin.write_all(&bytes))))
        }
        _ => None,
    };
    let mut errors = String::new();
    if let Some(err) = child.stderr.take() {
        let _ = err.take(ERRORS_KEPT).read_to_string(&mut errors);
    }
    if let Some(w) = writer {
        let _ = w.join();
    }
    let status = child.wait().map_err(|e| HostError::Command(format!("{program}: {e}")))?;
    if status.success() {
        return Ok(());
    }
    let how = status.code().map_or_else(|| "killed by a signal".to_string(), |c| format!("exit {c}"));
    let first = errors.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let first = crate::text::sanitize::truncate_chars(&crate::text::sanitize::one_line(first), 200);
    Err(HostError::Command(if first.is_empty() { how } else { format!("{how}: {first}") }))
}

/// `notify` after a sync that brought posts: the command run here (its
/// failure said), or the terminal's notification asked of the loop.
pub(super) fn tell(
    notify: Option<&crate::text::template::Notify>,
    mutes: &[crate::search::mute::Rule],
    report: &crate::sources::newness::Report,
    dir: &std::path::Path,
    path: &str,
    outbox: &Outbox,
) {
    use crate::text::template::Notify;
    let Some(n) = notify else { return };
    let content = crate::sources::git::content_dir(dir, path);
    let mutes = crate::store::mutes::with_config(mutes).0;
    let Some(news) = crate::sources::notify::News::of(report, &content, &mutes) else { return };
    match n {
        Notify::Terminal => outbox.send(Action::Notify(news.osc9())),
        Notify::Command(t) => {
            if let Err(e) = news.run(t) {
                outbox.send(Action::Notice(format!("notify: {e}"), true));
            }
        }
    }
}

/// What `pipe` gets on its standard input for `post`: its file as it is
/// (or the article, when reader mode shows it), or with `json` one line of
/// JSON holding its fields, its body and the article.
pub fn pipe_input(post: &crate::app::Shared, json: bool) -> Result<Vec<u8>, HostError> {
    if !json && let Some(a) = &post.article {
        return Ok(a.clone().into_bytes());
    }
    let bytes =
        std::fs::read(&post.file).map_err(|e| HostError::Command(format!("{}: {e}", post.file.display())))?;
    if !json {
        return Ok(bytes);
    }
    let text = String::from_utf8_lossy(&bytes);
    let body = crate::feed::frontmatter::split(&text).map_or("", |s| s.body);
    let value = serde_json::json!({
        "path": post.file.to_string_lossy(),
        "title": post.title,
        "date": post.date,
        "tags": post.tags,
        "source": post.source,
        "external_url": post.url,
        "tldr": post.tldr,
        "summary": post.summary,
        "body": body,
        "article": post.article,
    });
    let mut line = value.to_string().into_bytes();
    line.push(b'\n');
    Ok(line)
}

/// A post's values for a share or pipe template's placeholders.
pub(super) fn post_values(post: &crate::app::Shared) -> [(&str, String); 4] {
    [
        ("url", post.url.clone()),
        ("title", post.title.clone()),
        ("tags", post.tags.join(",")),
        ("file", post.file.to_string_lossy().into_owned()),
    ]
}
