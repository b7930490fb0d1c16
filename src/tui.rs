//! The event loop: read events, turn them into actions, update, carry out
//! effects, draw. Stops on quit or when SIGTERM/SIGHUP raised `stop`.

use crate::app::{Action, App, Effect};
use crate::browser::Opener;
use crate::keys;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, Event};
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often the loop wakes without input (to expire messages and notice signals).
const TICK: Duration = Duration::from_millis(200);

/// Applies one terminal event to the app, carrying out any effect.
pub fn handle_event(app: &mut App, ev: Event, opener: &dyn Opener) {
    let action = match ev {
        Event::Key(k) => keys::lookup(app.mode, &k).map(Action::Key),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    };
    if let Some(a) = action {
        apply(app, a, opener);
    }
}

/// Updates the app and carries out what it asks for.
pub fn apply(app: &mut App, action: Action, opener: &dyn Opener) {
    if let Some(Effect::Open(url)) = app.update(action) {
        let result = opener.open(&url).map(|()| url);
        app.update(Action::Opened(result));
    }
}

pub fn run(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    opener: &dyn Opener,
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
            // burst of keys costs one frame and the newest query wins.
            loop {
                handle_event(app, event::read()?, opener);
                if app.should_quit || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        app.update(Action::Tick(Instant::now()));
    }
}
