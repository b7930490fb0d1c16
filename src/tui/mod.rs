//! The terminal: the reader's start ([`start`]), its loop, and the world
//! outside the app.
//!
//! The loop: draw, wait on the inbox (`inbox`: terminal input and the
//! results of background work, as actions), update, carry out effects
//! through the [`host::Host`] (browser, clipboard, marks, reload, sync).
//! Stops on quit or when SIGTERM/SIGHUP raised `stop`; the terminal is
//! restored on every way out.

mod commands;
pub mod host;
pub mod inbox;
mod start;

pub use start::{StartError, StartOptions, first_screen, reload, start};

use crate::app::keys::{Input, Mode};
use crate::app::{Action, App, Effect};
use crate::feed::{Feed, LoadError, Progress};
use crate::tui::host::Host;
use crate::tui::inbox::{Inbox, Incoming};
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, Event};
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Set when the terminal was given back and taken again (a suspend and
/// `fg`): the next frame is drawn whole.
pub static REDRAW: AtomicBool = AtomicBool::new(false);

/// How often the loop wakes without input (to expire messages and notice signals).
const TICK: Duration = Duration::from_millis(200);

/// Applies one terminal event to the app, carrying out any effect.
pub fn handle_event(app: &mut App, ev: Event, opener: &dyn Host) {
    use ratatui::crossterm::event::{MouseButton, MouseEventKind};
    let action = match ev {
        Event::Key(k) => app.keymap().lookup(app.mode(), &k).map(Action::Key),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(m.column, m.row)),
            MouseEventKind::ScrollDown => Some(Action::Wheel { down: true, column: m.column, row: m.row }),
            MouseEventKind::ScrollUp => Some(Action::Wheel { down: false, column: m.column, row: m.row }),
            _ => None,
        },
        _ => None,
    };
    if let Some(a) = action {
        apply(app, a, opener);
    }
}

/// Updates the app and carries out what it asks for.
pub fn apply(app: &mut App, action: Action, host: &dyn Host) {
    let next = app.update(action);
    perform(app, next, host);
}

/// Carries out an effect, and those the app asks for in answer.
fn perform(app: &mut App, mut next: Option<Effect>, host: &dyn Host) {
    while let Some(effect) = next {
        next = match effect {
            Effect::Open(url) => match host.open(&url) {
                Ok(host::Opened::Now) => app.update(Action::Opened(Ok(url))),
                Ok(host::Opened::Later) => app.update(Action::Opening(url)),
                Err(e) => app.update(Action::Opened(Err(e))),
            },
            Effect::Copy(text) => {
                let result = host.copy(&text).map(|()| text);
                app.update(Action::Copied(result))
            }
            Effect::Mark(records) => match host.save_marks(&records) {
                Ok(Some(sets)) => app.update(Action::Marks(Box::new(sets))),
                Ok(None) => app.update(Action::Saved(Ok(()))),
                Err(e) => app.update(Action::Saved(Err(e))),
            },
            Effect::RefreshMarks => {
                host.refresh_marks().and_then(|sets| app.update(Action::Marks(Box::new(sets))))
            }
            Effect::Reload => {
                host.start_reload();
                None
            }
            Effect::Sync => {
                host.start_sync();
                None
            }
            Effect::SyncState => {
                host.start_state_sync(true);
                None
            }
            Effect::Share { target, posts } => {
                host.share(target, &posts);
                None
            }
            Effect::SaveMute { query, until, on } => match host.save_mute(&query, until.as_deref(), on) {
                Ok(()) => None,
                Err(e) => app.update(Action::Notice(format!("could not keep the mute rule: {e}"), true)),
            },
            Effect::Pipe(posts) => {
                host.pipe(&posts);
                None
            }
            Effect::OpenMany { urls, then } => {
                let failed: Vec<String> =
                    urls.iter().filter_map(|u| host.open(u).err().map(|e| e.to_string())).collect();
                if let Some(e) = failed.first() {
                    app.update(Action::Notice(
                        format!("{} of {} pages could not be opened: {e}", failed.len(), urls.len()),
                        true,
                    ));
                }
                then.map(|e| *e)
            }
            Effect::Notify(osc) => {
                host.notify_terminal(&osc);
                None
            }
            Effect::ListArticles => app.update(Action::KeptArticles(Box::new(host.kept_articles()))),
            Effect::Prefetch(urls) => {
                host.prefetch(urls);
                None
            }
            Effect::LoadArticleWords(posts) => {
                host.load_article_words(posts);
                None
            }
            Effect::FetchArticle(url) => {
                host.fetch_article(&url);
                None
            }
            Effect::ReadBody(path) => {
                let result = host.read_body(&path);
                app.update(Action::Body(path, result))
            }
            Effect::LoadIndex(key) => {
                let found = host.load_index(key).map(Box::new);
                app.update(Action::SavedIndex(key, found))
            }
            Effect::SaveIndex(key, index) => {
                host.save_index(key, &index);
                None
            }
            Effect::ReadTexts(generation, entries) => {
                let result = host.read_texts(generation, &entries);
                app.update(Action::Texts(generation, result))
            }
            Effect::ReadLongText(generation) => {
                host.read_long_text(generation);
                None
            }
            Effect::BuildTextWords { key, generation, entries, renumbering } => {
                host.build_text_words(key, generation, entries, renumbering);
                None
            }
            Effect::Suspend => {
                host.suspend_self();
                None
            }
        };
    }
}

/// The reader's loop: draw, wait for input or a background result (or a
/// tick), update, carry out effects; until quit or a signal's `stop`.
pub fn run(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    opener: &dyn Host,
    stop: &AtomicBool,
    early: Vec<Event>,
    mut inbox: Inbox,
) -> io::Result<()> {
    let size = terminal.size()?;
    apply(app, Action::Clock(crate::clock::now()), opener);
    apply(app, Action::Resize(size.width, size.height), opener);
    // Keys typed while the feed was loading are not lost.
    process(app, early, opener);
    inbox.read_input();
    let mut first = true;
    loop {
        if opener.take_redraw() || REDRAW.swap(false, Ordering::SeqCst) {
            // Something else drew on the screen (a console browser).
            terminal.clear()?;
        }
        terminal.draw(|f| f.render_widget(&*app, f.area()))?;
        if std::mem::take(&mut first) {
            opener.first_frame_drawn();
        }
        // Debug builds only: lets the end-to-end tests prove that a panic
        // leaves the terminal as it was found.
        #[cfg(debug_assertions)]
        #[allow(clippy::panic, reason = "the panic the end-to-end test asks for")]
        if std::env::var_os("LINKFEED_TEST_PANIC").is_some() {
            panic!("LINKFEED_TEST_PANIC is set");
        }
        if app.should_quit() || stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        // While idle work remains (a slice at a time), only take what is
        // already waiting; else wait for something, or a tick.
        let next = if app.needs_warm_up() {
            let waiting = inbox.waiting();
            if waiting.is_none() {
                apply(app, Action::Idle, opener);
            }
            waiting
        } else {
            inbox.next(TICK)
        };
        if let Some(first) = next {
            // Everything that is waiting, before drawing again: a burst of
            // keys costs one frame.
            let mut batch = vec![first];
            while let Some(m) = inbox.waiting() {
                batch.push(m);
            }
            for m in batch {
                match m {
                    Incoming::Input(events) => process(app, events, opener),
                    Incoming::Action(action) => apply(app, action, opener),
                    Incoming::InputFailed(e) => {
                        return Err(io::Error::other(format!("reading the terminal: {e}")));
                    }
                }
            }
        }
        apply(app, Action::Tick(Instant::now()), opener);
        apply(app, Action::Clock(crate::clock::now()), opener);
    }
}

/// Applies a batch of events in order. Letters typed into the filter in one
/// batch are filtered once, so the newest query wins without a pass per key.
pub fn process(app: &mut App, events: Vec<Event>, host: &dyn Host) {
    let mut typed = String::new();
    for ev in events {
        if app.should_quit() {
            break;
        }
        let letter = match &ev {
            Event::Key(k) if app.mode() == Mode::Filter => match app.keymap().lookup(app.mode(), k) {
                Some(Input::Char(c)) => Some(c),
                _ => None,
            },
            _ => None,
        };
        match letter {
            Some(c) => typed.push(c),
            None => {
                flush_typed(app, &mut typed, host);
                handle_event(app, ev, host);
            }
        }
    }
    flush_typed(app, &mut typed, host);
}

fn flush_typed(app: &mut App, typed: &mut String, host: &dyn Host) {
    if !typed.is_empty() {
        apply(app, Action::Type(std::mem::take(typed)), host);
    }
}

/// What loading gave: the feed, and the events that arrived meanwhile.
pub type Loaded = (Result<Feed, LoadError>, Vec<Event>);

/// Shows loading progress until `loader` finishes. `None` when the user
/// quit (Ctrl-c, or q or Esc as the first key) or a signal arrived first;
/// the load is cancelled. Other keys are kept, to be applied once loaded.
pub fn wait_for_load(
    terminal: &mut DefaultTerminal,
    progress: &Progress,
    label: &str,
    stop: &AtomicBool,
    loader: std::thread::JoinHandle<Result<Feed, LoadError>>,
) -> io::Result<Option<Loaded>> {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};
    let mut last_draw = None;
    let mut early: Vec<Event> = Vec::new();
    loop {
        if loader.is_finished() {
            return match loader.join() {
                Ok(r) => Ok(Some((r, early))),
                Err(_) => Err(io::Error::other("the loader failed")),
            };
        }
        let (done, total, walked) = (
            progress.done.load(Ordering::Relaxed),
            progress.total.load(Ordering::Relaxed),
            progress.walked.load(Ordering::Relaxed),
        );
        // A frame every 100 ms is enough to show progress, and leaves the
        // cores to the loader.
        if last_draw.is_none_or(|t: Instant| t.elapsed() >= Duration::from_millis(100)) {
            terminal.draw(|f| crate::ui::loading(f.area(), f.buffer_mut(), label, done, total, walked))?;
            last_draw = Some(Instant::now());
        }
        let mut quit = stop.load(Ordering::Relaxed);
        if event::poll(Duration::from_millis(20))? {
            let ev = event::read()?;
            if let Event::Key(k) = &ev {
                let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
                let first = !early.iter().any(|e| matches!(e, Event::Key(_)));
                quit |= ctrl_c || (first && matches!(k.code, KeyCode::Char('q') | KeyCode::Esc));
            }
            early.push(ev);
        }
        if quit {
            progress.cancel.store(true, Ordering::Relaxed);
            return Ok(None);
        }
    }
}

/// Enters the terminal: raw mode, the alternate screen, mouse reporting.
/// ratatui's panic hook restores raw mode and the screen; ours, installed on
/// top, also turns mouse reporting off.
pub fn init() -> io::Result<DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    ratatui::crossterm::execute!(io::stdout(), ratatui::crossterm::event::EnableMouseCapture)?;
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = ratatui::crossterm::execute!(io::stdout(), ratatui::crossterm::event::DisableMouseCapture);
        ratatui_hook(info);
    }));
    Ok(terminal)
}

/// Hands the terminal to another program: mouse reporting off, the main
/// screen, cooked mode.
pub fn suspend() {
    use ratatui::crossterm::{event::DisableMouseCapture, terminal};
    // The other program reads the keys from now on.
    inbox::pause_input();
    let _ = ratatui::crossterm::execute!(
        io::stdout(),
        DisableMouseCapture,
        terminal::LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
    let _ = terminal::disable_raw_mode();
}

/// Takes the terminal back after [`suspend`].
pub fn resume() {
    use ratatui::crossterm::{event::EnableMouseCapture, terminal};
    let _ = terminal::enable_raw_mode();
    let _ = ratatui::crossterm::execute!(io::stdout(), terminal::EnterAlternateScreen, EnableMouseCapture);
    inbox::resume_input();
}

/// Leaves the terminal as it was found: mouse reporting off, the cursor
/// shown, then ratatui's restore (cooked mode, the main screen).
pub fn restore() {
    let _ = ratatui::crossterm::execute!(
        io::stdout(),
        ratatui::crossterm::event::DisableMouseCapture,
        ratatui::crossterm::cursor::Show
    );
    ratatui::restore();
}
