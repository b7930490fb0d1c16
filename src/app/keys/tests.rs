//! The tests of `keys`.

use super::*;

fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, m)
}

fn lookup(mode: Mode, ev: &KeyEvent) -> Option<Input> {
    KeyMap::default().lookup(mode, ev)
}

#[test]
fn shifted_letters_match_their_capital() {
    let g = ev(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(lookup(Mode::List, &g), Some(Input::Cmd(Cmd::Last)));
}

#[test]
fn letters_type_while_filtering() {
    let j = ev(KeyCode::Char('j'), KeyModifiers::NONE);
    assert_eq!(lookup(Mode::List, &j), Some(Input::Cmd(Cmd::Down)));
    assert_eq!(lookup(Mode::Filter, &j), Some(Input::Char('j')));
    let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(lookup(Mode::Filter, &q), Some(Input::Char('q')));
}

#[test]
fn releases_are_ignored() {
    let mut j = ev(KeyCode::Char('j'), KeyModifiers::NONE);
    j.kind = KeyEventKind::Release;
    assert_eq!(lookup(Mode::List, &j), None);
}

#[test]
fn remapping_moves_a_key() {
    let mut map = KeyMap::default();
    let l = ev(KeyCode::Char('w'), KeyModifiers::NONE);
    assert_eq!(map.lookup(Mode::List, &l), None);
    map.remap(Cmd::Open, vec![k('w'), k('j')]);
    assert_eq!(map.lookup(Mode::List, &l), Some(Input::Cmd(Cmd::Open)));
    let j = ev(KeyCode::Char('j'), KeyModifiers::NONE);
    assert_eq!(map.lookup(Mode::List, &j), Some(Input::Cmd(Cmd::Open)), "j left `next post`");
    let enter = ev(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(map.lookup(Mode::List, &enter), None, "Enter no longer opens");
    assert_eq!(
        map.lookup(Mode::Filter, &enter),
        Some(Input::Cmd(Cmd::AcceptFilter)),
        "other modes keep theirs"
    );
    assert!(map.help_rows(Mode::List).contains(&("w / j".to_string(), "open the original in the browser")));
    map.remap(Cmd::Quit, vec![k('x')]);
    let x = ev(KeyCode::Char('x'), KeyModifiers::NONE);
    assert_eq!(map.lookup(Mode::List, &x), Some(Input::Cmd(Cmd::Quit)));
}

#[test]
fn key_names() {
    assert_eq!(parse_key("Ctrl-d"), Some(ctrl('d')));
    assert_eq!(parse_key("C-x"), Some(ctrl('x')));
    assert_eq!(parse_key("G"), Some(k('G')));
    assert_eq!(parse_key("PgDn"), Some(code(KeyCode::PageDown)));
    assert_eq!(parse_key("F5"), Some(code(KeyCode::F(5))));
    assert_eq!(parse_key("Space"), Some(k(' ')));
    for bad in ["", "Ctrl-", "jj", "F13", "Hyper-x"] {
        assert_eq!(parse_key(bad), None, "{bad}");
    }
}

#[test]
fn ctrl_c_quits_everywhere() {
    let c = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
    for m in [Mode::List, Mode::Filter, Mode::Help, Mode::Tags, Mode::Problems] {
        assert_eq!(lookup(m, &c), Some(Input::Cmd(Cmd::Quit)), "{m:?}");
    }
}
