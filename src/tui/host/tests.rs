//! The tests of `host`.

use super::*;

#[test]
fn osc52_is_base64() {
    assert_eq!(osc52("https://a.b/"), "\x1b]52;c;aHR0cHM6Ly9hLmIv\x07");
    assert!(
        !osc52("\x1b]0;evil\x07").trim_start_matches("\x1b]52;c;").trim_end_matches('\x07').contains('\x1b')
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

#[test]
fn console_browsers_are_known_by_name() {
    assert!(is_console_browser("w3m"));
    assert!(is_console_browser("/usr/bin/lynx -accept_all_cookies"));
    assert!(!is_console_browser("firefox"));
    assert!(!is_console_browser("/opt/w3m-tools/firefox"));
}
