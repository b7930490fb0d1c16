//! Opening a URL: `$BROWSER` split into words (a `%s` word becomes the URL,
//! else the URL is appended), spawned directly with no shell and null stdio;
//! otherwise the `open` crate. The URL is always exactly one argument.

use std::process::{Command, Stdio};

/// The world outside the app: something that can open a URL in a browser
/// and put text on the clipboard. The TUI takes one, so tests can pass a fake.
pub trait Host {
    fn open(&self, url: &str) -> Result<(), String>;
    fn copy(&self, text: &str) -> Result<(), String>;
    /// Keeps the read state (keys of read posts) for the next run.
    fn save_read(&self, read: &std::collections::HashSet<String>) -> Result<(), String>;
    /// Starts reading the feed again in the background.
    fn start_reload(&self) {}
    /// A reload that has finished since the last call (after `start_reload`,
    /// or by itself when the folder changed).
    fn poll_reload(&self) -> Option<Result<crate::feed::Feed, String>> {
        None
    }
    /// The body of a post file, read again when the post is shown.
    fn read_body(&self, path: &std::path::Path) -> Result<String, String> {
        crate::feed::read_body(path)
    }
}

/// The OSC 52 sequence that asks the terminal (through SSH and tmux) to put
/// `text` on the clipboard. The text travels base64-encoded, so nothing in it
/// can reach the terminal's escape parser.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

/// The program and arguments `$BROWSER` asks for, or `None` when it is empty.
pub fn browser_command(browser: &str, url: &str) -> Option<(String, Vec<String>)> {
    let mut words = browser.split_whitespace();
    let program = words.next()?.to_string();
    let mut args: Vec<String> = Vec::new();
    let mut placed = false;
    for w in words {
        if w == "%s" {
            args.push(url.to_string());
            placed = true;
        } else {
            args.push(w.to_string());
        }
    }
    if !placed {
        args.push(url.to_string());
    }
    Some((program, args))
}

/// The real opener: `$BROWSER` (or a configured command) or the system's.
#[derive(Default)]
pub struct SystemHost {
    pub browser: Option<String>,
    /// Where the read state is kept; `None` keeps it for this run only.
    pub state_path: Option<std::path::PathBuf>,
    reload: Option<crate::feed::watch::Reloader>,
}

impl SystemHost {
    pub fn from_env() -> Self {
        let browser = std::env::var("BROWSER").ok().filter(|b| !b.trim().is_empty());
        SystemHost { browser, state_path: crate::store::read::default_path(), reload: None }
    }

    /// Lets `r` reload with `load`, and reloads by itself when `watch`
    /// (the feed folder) changes.
    pub fn with_reload(mut self, reloader: crate::feed::watch::Reloader) -> Self {
        self.reload = Some(reloader);
        self
    }
}

impl Host for SystemHost {
    fn open(&self, url: &str) -> Result<(), String> {
        let Some((program, args)) = self.browser.as_deref().and_then(|b| browser_command(b, url)) else {
            return open::that_detached(url).map_err(|e| e.to_string());
        };
        let mut cmd = Command::new(&program);
        cmd.args(&args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // Its own process group: a Ctrl-C or hang-up meant for us is not its.
            cmd.process_group(0);
        }
        let mut child = cmd.spawn().map_err(|e| format!("{program}: {e}"))?;
        // Reap it when it exits, without waiting here.
        std::thread::spawn(move || child.wait());
        Ok(())
    }

    fn start_reload(&self) {
        if let Some(r) = &self.reload {
            r.start();
        }
    }

    fn poll_reload(&self) -> Option<Result<crate::feed::Feed, String>> {
        self.reload.as_ref().and_then(|r| r.poll())
    }

    fn save_read(&self, read: &std::collections::HashSet<String>) -> Result<(), String> {
        match &self.state_path {
            Some(path) => {
                crate::store::read::save(path, read).map_err(|e| format!("{}: {e}", path.display()))
            }
            None => Err("no HOME or XDG_STATE_HOME to keep it in".into()),
        }
    }

    fn copy(&self, text: &str) -> Result<(), String> {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        out.write_all(osc52(text).as_bytes()).and_then(|()| out.flush()).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_is_base64() {
        assert_eq!(osc52("https://a.b/"), "\x1b]52;c;aHR0cHM6Ly9hLmIv\x07");
        assert!(
            !osc52("\x1b]0;evil\x07")
                .trim_start_matches("\x1b]52;c;")
                .trim_end_matches('\x07')
                .contains('\x1b')
        );
    }

    #[test]
    fn appends_or_substitutes() {
        let u = "https://example.com/?a=1&b=2";
        assert_eq!(browser_command("firefox", u), Some(("firefox".into(), vec![u.into()])));
        assert_eq!(
            browser_command("  firefox --new-tab  %s --x", u),
            Some(("firefox".into(), vec!["--new-tab".into(), u.into(), "--x".into()]))
        );
        assert_eq!(browser_command("   ", u), None);
    }
}
