//! The event loop: read events, turn them into actions, update, carry out
//! effects, draw. Stops on quit or when SIGTERM/SIGHUP raised `stop`.

use crate::app::{Action, App, Effect};
use crate::browser::Host;
use crate::feed::{Feed, LoadError, Progress};
use crate::keys::{Input, Mode};
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, Event};
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often the loop wakes without input (to expire messages and notice signals).
const TICK: Duration = Duration::from_millis(200);

/// Applies one terminal event to the app, carrying out any effect.
pub fn handle_event(app: &mut App, ev: Event, opener: &dyn Host) {
    use ratatui::crossterm::event::{MouseButton, MouseEventKind};
    let action = match ev {
        Event::Key(k) => app.keymap.lookup(app.mode, &k).map(Action::Key),
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
    let mut next = app.update(action);
    while let Some(effect) = next {
        next = match effect {
            Effect::Open(url) => {
                let result = host.open(&url).map(|()| url);
                app.update(Action::Opened(result))
            }
            Effect::Copy(text) => {
                let result = host.copy(&text).map(|()| text);
                app.update(Action::Copied(result))
            }
            Effect::SaveRead => {
                let result = host.save_read(&app.read);
                app.update(Action::Saved(result))
            }
            Effect::Reload => {
                host.start_reload();
                None
            }
        };
    }
}

pub fn run(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    opener: &dyn Host,
    stop: &AtomicBool,
) -> io::Result<()> {
    let size = terminal.size()?;
    app.update(Action::Resize(size.width, size.height));
    loop {
        terminal.draw(|f| f.render_widget(&*app, f.area()))?;
        if app.should_quit || stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        if event::poll(TICK)? {
            // Drain everything that is waiting before drawing again, so a
            // burst of keys costs one frame; letters typed into the filter
            // in one burst are filtered once, and the newest query wins.
            let mut typed = String::new();
            loop {
                let ev = event::read()?;
                let letter = match &ev {
                    Event::Key(k) if app.mode == Mode::Filter => match app.keymap.lookup(app.mode, k) {
                        Some(Input::Char(c)) => Some(c),
                        _ => None,
                    },
                    _ => None,
                };
                match letter {
                    Some(c) => typed.push(c),
                    None => {
                        flush_typed(app, &mut typed);
                        handle_event(app, ev, opener);
                    }
                }
                if app.should_quit || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
            flush_typed(app, &mut typed);
        }
        if let Some(result) = opener.poll_reload() {
            apply(app, Action::Reloaded(result), opener);
        }
        app.update(Action::Tick(Instant::now()));
    }
}

fn flush_typed(app: &mut App, typed: &mut String) {
    if !typed.is_empty() {
        app.update(Action::Type(std::mem::take(typed)));
    }
}

/// Shows loading progress until `loader` finishes. `None` when the user
/// quit (q, Esc or Ctrl-c) or a signal arrived first; the load is cancelled.
pub fn wait_for_load(
    terminal: &mut DefaultTerminal,
    progress: &Progress,
    label: &str,
    stop: &AtomicBool,
    loader: std::thread::JoinHandle<Result<Feed, LoadError>>,
) -> io::Result<Option<Result<Feed, LoadError>>> {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};
    let mut last_draw = None;
    loop {
        if loader.is_finished() {
            return match loader.join() {
                Ok(r) => Ok(Some(r)),
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
        if event::poll(Duration::from_millis(20))?
            && let Event::Key(k) = event::read()?
        {
            let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
            quit |= matches!(k.code, KeyCode::Char('q') | KeyCode::Esc) || ctrl_c;
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

/// Leaves the terminal as it was found: mouse reporting off, then ratatui's restore.
pub fn restore() {
    let _ = ratatui::crossterm::execute!(io::stdout(), ratatui::crossterm::event::DisableMouseCapture);
    ratatui::restore();
}
