//! The one channel the reader's loop waits on: terminal input, read on a
//! thread of its own, and the results of background work (a reload, a
//! sync, a browser's verdict, marks written by another reader, a watch that
//! could not be set up), each already an [`Action`].
//!
//! The input thread can be paused ([`pause_input`]) while another program
//! (a console browser) has the terminal: it then reads nothing.

use crate::app::Action;
use ratatui::crossterm::event::{self, Event};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

/// What wakes the loop.
#[derive(Debug)]
pub enum Incoming {
    /// Terminal events, as many as had arrived together (a burst of keys,
    /// a paste): the loop applies them before drawing again.
    Input(Vec<Event>),
    /// The result of background work.
    Action(Action),
    /// The terminal cannot be read any more (why).
    InputFailed(String),
}

/// Where background work sends its results: cheap to clone, one per thread.
#[derive(Debug, Clone)]
pub struct Outbox(Sender<Incoming>);

impl Outbox {
    /// Sends `action` to the loop (dropped when the loop has ended).
    pub fn send(&self, action: Action) {
        let _ = self.0.send(Incoming::Action(action));
    }

    /// As [`Outbox::send`]; false once the loop has ended (a thread that
    /// only reports can then stop).
    pub fn send_checked(&self, action: Action) -> bool {
        self.0.send(Incoming::Action(action)).is_ok()
    }
}

/// The loop's end of the channel.
#[derive(Debug)]
pub struct Inbox {
    tx: Sender<Incoming>,
    rx: Receiver<Incoming>,
    reading: bool,
}

impl Default for Inbox {
    fn default() -> Self {
        let (tx, rx) = channel();
        Inbox { tx, rx, reading: false }
    }
}

/// How long the input thread waits for a key before it looks whether it
/// is to pause: the longest [`pause_input`] waits.
const INPUT_SLICE: Duration = Duration::from_millis(50);

/// Set while another program has the terminal.
static PAUSED: AtomicBool = AtomicBool::new(false);
/// Set by the input thread once it has seen [`PAUSED`] and reads no more.
static IDLE: AtomicBool = AtomicBool::new(false);
/// Set once the input thread runs.
static RUNNING: AtomicBool = AtomicBool::new(false);

impl Inbox {
    pub fn new() -> Inbox {
        Inbox::default()
    }

    /// A sender for background work.
    pub fn outbox(&self) -> Outbox {
        Outbox(self.tx.clone())
    }

    /// Starts reading the terminal on a thread of its own (once).
    pub fn read_input(&mut self) {
        if std::mem::replace(&mut self.reading, true) {
            return;
        }
        let tx = self.tx.clone();
        RUNNING.store(true, Ordering::SeqCst);
        std::thread::spawn(move || {
            loop {
                if PAUSED.load(Ordering::SeqCst) {
                    IDLE.store(true, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                }
                let sent = match read_burst() {
                    Ok(batch) if batch.is_empty() => Ok(()),
                    Ok(batch) => tx.send(Incoming::Input(batch)),
                    Err(e) => {
                        RUNNING.store(false, Ordering::SeqCst);
                        let _ = tx.send(Incoming::InputFailed(e.to_string()));
                        return;
                    }
                };
                if sent.is_err() {
                    // The loop has ended.
                    RUNNING.store(false, Ordering::SeqCst);
                    return;
                }
            }
        });
    }

    /// The next message, waiting up to `wait`; `None` when none came.
    pub fn next(&self, wait: Duration) -> Option<Incoming> {
        self.rx.recv_timeout(wait).ok()
    }

    /// A message already waiting, if any.
    pub fn waiting(&self) -> Option<Incoming> {
        self.rx.try_recv().ok()
    }
}

/// The events that arrive within `INPUT_SLICE`, with every one already
/// waiting behind the first.
fn read_burst() -> std::io::Result<Vec<Event>> {
    let mut batch = Vec::new();
    if event::poll(INPUT_SLICE)? {
        batch.push(event::read()?);
        while event::poll(Duration::ZERO)? {
            batch.push(event::read()?);
        }
    }
    Ok(batch)
}

/// Stops the input thread reading (before another program takes the
/// terminal); returns once it reads no more (at most `INPUT_SLICE` and a
/// little; a second at worst).
pub fn pause_input() {
    if !RUNNING.load(Ordering::SeqCst) {
        return;
    }
    IDLE.store(false, Ordering::SeqCst);
    PAUSED.store(true, Ordering::SeqCst);
    let start = Instant::now();
    while !IDLE.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(1) {
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Lets the input thread read again.
pub fn resume_input() {
    PAUSED.store(false, Ordering::SeqCst);
}
