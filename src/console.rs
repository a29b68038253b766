//! Writing to the terminal without dying when nobody reads any more.
//!
//! `println!` panics when its pipe is closed (`archipel check | head`); these macros drop
//! the text instead, so that a build whose reader went away still finishes, cleans up and
//! exits with its own code.

/// Like `print!` on standard output, ignoring a closed pipe.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// Like `println!` on standard output, ignoring a closed pipe.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// Like `eprint!` on standard error, ignoring a closed pipe.
#[macro_export]
macro_rules! err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// Like `eprintln!` on standard error, ignoring a closed pipe.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}
