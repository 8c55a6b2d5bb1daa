//! A local SMTP sink for the tests: it speaks just enough SMTP (greeting, EHLO, MAIL, RCPT,
//! DATA, RSET, NOOP, QUIT) on a loopback port to accept every message, and keeps what it got.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One message as the sink received it.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    /// The envelope sender.
    pub from: String,
    /// The envelope recipients.
    pub to: Vec<String>,
    /// Headers and body as sent (dot-stuffing undone).
    pub data: String,
}

/// A running sink.
pub struct SmtpSink {
    port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    /// Listens on a free loopback port, accepting connections on a thread of its own.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the SMTP sink");
        let port = listener.local_addr().expect("sink address").port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&mails);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = Arc::clone(&kept);
                std::thread::spawn(move || {
                    let _ = session(stream, &kept);
                });
            }
        });
        SmtpSink { port, mails }
    }

    /// The URL to give the server's `--smtp-url`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().expect("sink mails").clone()
    }

    /// Waits (up to `limit`) until at least `n` messages have arrived, and returns them all.
    pub fn wait_for(&self, n: usize, limit: Duration) -> Vec<Mail> {
        let until = Instant::now() + limit;
        loop {
            let mails = self.mails();
            if mails.len() >= n || Instant::now() > until {
                return mails;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn session(stream: TcpStream, mails: &Mutex<Vec<Mail>>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 sink ESMTP\r\n")?;
    let mut mail = Mail::default();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let address = || {
            command
                .split_once('<')
                .and_then(|(_, rest)| rest.split_once('>'))
                .map_or(String::new(), |(a, _)| a.to_owned())
        };
        match verb.as_str() {
            "EHLO" | "HELO" => out.write_all(b"250 sink\r\n")?,
            "MAIL" => {
                mail = Mail {
                    from: address(),
                    ..Mail::default()
                };
                out.write_all(b"250 OK\r\n")?;
            }
            "RCPT" => {
                mail.to.push(address());
                out.write_all(b"250 OK\r\n")?;
            }
            "DATA" => {
                out.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
                loop {
                    line.clear();
                    if lines.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    mail.data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                mails
                    .lock()
                    .expect("sink mails")
                    .push(std::mem::take(&mut mail));
                out.write_all(b"250 OK queued\r\n")?;
            }
            "RSET" | "NOOP" => out.write_all(b"250 OK\r\n")?,
            "QUIT" => {
                out.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"502 not implemented\r\n")?,
        }
    }
}
