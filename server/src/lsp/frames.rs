//! One writer for the client's stream, shared by tower-lsp-server and the diagnostics path.
//!
//! tower-lsp-server turns every notification into a `serde_json::Value` before writing it
//! as a string: for a checklist with 3,500 diagnostics that is ~90,000 small allocations and
//! two passes, 10-15 ms of every keystroke. Diagnostics are instead serialised once, straight
//! from their typed form, and written as a frame of their own. Both kinds of message reach
//! the stream through [`Frames`], whole frames at a time, so they never interleave.

use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc::{
    channel, unbounded_channel, Receiver, Sender, UnboundedReceiver, UnboundedSender,
};
use tower_lsp_server::ls_types::Uri;

/// Sends whole frames (`Content-Length` header and body) to the stream's writer (a task,
/// or a thread of its own for the process's stdout).
///
/// Two queues: tower's messages (answers to requests) go first and never wait; diagnostics
/// wait for room in a short queue, so a workspace's worth of them is not held serialised
/// in memory while the client reads, and an answer does not queue behind them.
#[derive(Clone)]
pub struct Frames {
    tx: UnboundedSender<Frame>,
    diagnostics: Sender<Frame>,
}

/// A message with its header: `bytes[start..]` is what goes on the stream.
pub struct Frame {
    bytes: Vec<u8>,
    start: usize,
    /// Told once the frame is written: see [`Frame::tell_when_written`].
    written: Option<tokio::sync::watch::Sender<bool>>,
}

/// Waits for a frame given to [`Frame::tell_when_written`] to be written; any number of
/// waiters. Also ends, early, when the frame is dropped unwritten: the client is gone, or
/// the frame was never made (its URI could not be serialised).
pub struct Written(tokio::sync::watch::Receiver<bool>);

impl Written {
    /// A sender for [`Frame::tell_when_written`], and its waiter.
    pub fn channel() -> (tokio::sync::watch::Sender<bool>, Written) {
        let (tx, rx) = tokio::sync::watch::channel(false);
        (tx, Written(rx))
    }

    /// Another waiter on the same frame.
    pub fn subscribe(&self) -> Written {
        Written(self.0.clone())
    }

    /// Until written, or at most `limit` (a client that stops reading holds nothing up).
    pub async fn wait(mut self, limit: std::time::Duration) {
        let _ = tokio::time::timeout(limit, self.0.wait_for(|w| *w)).await;
    }
}

impl Frame {
    fn whole(bytes: Vec<u8>) -> Frame {
        Frame {
            bytes,
            start: 0,
            written: None,
        }
    }

    /// Has `tx` told when the frame has gone to the stream (or is dropped unwritten: its
    /// receiver then sees an error). Work that can wait (freeing the findings a
    /// publication replaced, working out its layout) waits for it: on two cores it would
    /// otherwise take a core from the writer or from the client reading.
    pub fn tell_when_written(&mut self, tx: tokio::sync::watch::Sender<bool>) {
        self.written = Some(tx);
    }

    /// Tells whoever waits on [`Frame::tell_when_written`].
    fn done(self) {
        if let Some(tx) = self.written {
            let _ = tx.send(true);
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[self.start..]
    }

    /// Its length on the stream, header included.
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    pub fn is_empty(&self) -> bool {
        self.as_bytes().is_empty()
    }
}

/// Room left before a diagnostics body for its header, which is written once the body's
/// length is known: `Content-Length: ` (16), up to 20 digits, `\r\n\r\n` (4).
const HEADER_ROOM: usize = 40;

impl Frames {
    /// The sender, and the task that writes what it is sent to `out`, in order, until
    /// every sender is gone.
    pub fn new<O: AsyncWrite + Send + 'static>(
        out: O,
    ) -> (Frames, impl std::future::Future<Output = ()>) {
        let (tx, rx) = unbounded_channel();
        let (diagnostics, diagnostics_rx) = channel(4);
        (
            Frames { tx, diagnostics },
            write_all(out, rx, diagnostics_rx),
        )
    }

    /// [`Frames::new`] writing to a blocking `out` (the process's stdout) from a thread of
    /// its own; the future ends when that thread does. An error when the thread cannot be
    /// started (`out` is dropped): the caller falls back to an async writer.
    pub fn new_blocking<O: Write + Send + 'static>(
        out: O,
    ) -> Result<(Frames, impl std::future::Future<Output = ()>), io::Error> {
        // Built here, so that a failure leaves the caller its fallback. A runtime of its
        // own, not `blocking_recv`: the writer waits on two queues, tower's first.
        let waiter = tokio::runtime::Builder::new_current_thread().build()?;
        let (tx, rx) = unbounded_channel();
        let (diagnostics, diagnostics_rx) = channel(4);
        let (done, ended) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("readiness-writer".into())
            .spawn(move || {
                write_all_blocking(&waiter, out, rx, diagnostics_rx);
                let _ = done.send(());
            })?;
        Ok((Frames { tx, diagnostics }, async move {
            let _ = ended.await;
        }))
    }

    /// A `textDocument/publishDiagnostics` notification; `array` appends the diagnostics'
    /// JSON array (see `diagnostic_json`). Written into the frame itself, header room
    /// first: a long checklist's 1.4 MB of diagnostics were copied twice more, into a body
    /// and then into a frame. None when the URI cannot be serialised.
    pub fn diagnostics(
        uri: &Uri,
        version: Option<i32>,
        array: impl FnOnce(&mut Vec<u8>),
    ) -> Option<Frame> {
        let uri = match serde_json::to_string(uri) {
            Ok(u) => u,
            Err(e) => {
                tracing::error!("cannot serialise a URI: {e}");
                return None;
            }
        };
        let mut bytes = vec![b' '; HEADER_ROOM];
        bytes.extend_from_slice(
            b"{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":",
        );
        bytes.extend_from_slice(uri.as_bytes());
        bytes.extend_from_slice(b",\"diagnostics\":");
        array(&mut bytes);
        if let Some(v) = version {
            bytes.extend_from_slice(format!(",\"version\":{v}").as_bytes());
        }
        bytes.extend_from_slice(b"}}");
        let header = format!("Content-Length: {}\r\n\r\n", bytes.len() - HEADER_ROOM);
        let start = HEADER_ROOM - header.len();
        bytes[start..HEADER_ROOM].copy_from_slice(header.as_bytes());
        Some(Frame {
            bytes,
            start,
            written: None,
        })
    }

    /// Queues a frame made by [`Frames::diagnostics`]; false once the client is gone.
    pub async fn send_diagnostics(&self, frame: Frame) -> bool {
        self.diagnostics.send(frame).await.is_ok()
    }

    /// Ends the writer once everything sent before is written (other senders may live on
    /// in tasks that outlast the connection).
    pub fn close(&self) {
        let _ = self.tx.send(Frame::whole(Vec::new()));
    }

    /// The stream to give tower-lsp-server: it cuts what tower writes into whole frames.
    pub fn stream(&self) -> FrameStream {
        FrameStream {
            frames: self.clone(),
            pending: Vec::new(),
        }
    }
}

/// The next frame to write: tower's first. None once closed or every sender is gone.
async fn next(
    rx: &mut UnboundedReceiver<Frame>,
    diagnostics: &mut Receiver<Frame>,
) -> Option<Frame> {
    let frame = tokio::select! {
        biased;
        Some(frame) = rx.recv() => frame,
        Some(frame) = diagnostics.recv() => frame,
        else => return None,
    };
    (!frame.is_empty()).then_some(frame)
}

async fn write_all<O: AsyncWrite>(
    out: O,
    mut rx: UnboundedReceiver<Frame>,
    mut diagnostics: Receiver<Frame>,
) {
    let mut out = std::pin::pin!(out);
    while let Some(frame) = next(&mut rx, &mut diagnostics).await {
        if out.write_all(frame.as_bytes()).await.is_err() || out.flush().await.is_err() {
            return; // the client is gone
        }
        frame.done();
    }
}

/// [`write_all`] on a thread of its own, with blocking writes straight from each frame.
/// tokio's stdout copies every write into a buffer of its own and hands it to a pool
/// thread: for a long checklist's 1.4 MB publication, a copy and a hand-off on every
/// keystroke, while the client waits.
fn write_all_blocking<O: Write>(
    waiter: &tokio::runtime::Runtime,
    mut out: O,
    mut rx: UnboundedReceiver<Frame>,
    mut diagnostics: Receiver<Frame>,
) {
    while let Some(frame) = waiter.block_on(next(&mut rx, &mut diagnostics)) {
        if out.write_all(frame.as_bytes()).is_err() || out.flush().is_err() {
            return; // the client is gone
        }
        frame.done();
    }
}

/// What tower-lsp-server writes to: bytes are held until they make a whole frame.
pub struct FrameStream {
    frames: Frames,
    pending: Vec<u8>,
}

impl FrameStream {
    /// Sends every whole frame at the front of `pending`.
    fn forward(&mut self) -> io::Result<()> {
        while let Some(len) = frame_len(&self.pending) {
            if self.pending.len() < len {
                break;
            }
            let rest = self.pending.split_off(len);
            let frame = std::mem::replace(&mut self.pending, rest);
            if self.frames.tx.send(Frame::whole(frame)).is_err() {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "writer closed"));
            }
        }
        Ok(())
    }
}

/// The length of the frame at the front of `buf` (header and body), once its header is whole.
/// A header without a `Content-Length` counts as a frame of its own: passed on as it is.
fn frame_len(buf: &[u8]) -> Option<usize> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let header = std::str::from_utf8(&buf[..end]).ok();
    let body = header
        .into_iter()
        .flat_map(|h| h.split("\r\n"))
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    Some(end + body)
}

impl AsyncWrite for FrameStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.pending.extend_from_slice(buf);
        Poll::Ready(self.forward().map(|()| buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn frames_written_in_pieces_reach_the_stream_whole_and_in_order() {
        let (client, server) = tokio::io::duplex(1 << 16);
        let (frames, writer) = Frames::new(server);
        let task = tokio::spawn(writer);
        let mut tower = frames.stream();
        // tower writes a frame in two pieces; a diagnostics frame is sent in between.
        tower.write_all(b"Content-Length: 2\r\n\r").await.unwrap();
        let uri: Uri = "file:///a.md".parse().unwrap();
        let frame = Frames::diagnostics(&uri, Some(3), |out| out.extend_from_slice(b"[]"));
        assert!(frames.send_diagnostics(frame.unwrap()).await);
        // Let the writer take the diagnostics before tower's second frame is whole.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        tower
            .write_all(b"\n{}Content-Length: 4\r\n\r\nnull")
            .await
            .unwrap();
        frames.close();
        task.await.unwrap();
        let mut got = String::new();
        tokio::io::AsyncReadExt::read_to_string(&mut { client }, &mut got)
            .await
            .unwrap();
        let body = r#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"file:///a.md","diagnostics":[],"version":3}}"#;
        assert_eq!(
            got,
            format!(
                "Content-Length: {}\r\n\r\n{body}Content-Length: 2\r\n\r\n{{}}Content-Length: 4\r\n\r\nnull",
                body.len()
            )
        );
    }

    /// What the writer thread writes, kept for the test to read.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn the_writer_thread_writes_whole_frames_and_tells_when_one_is_written() {
        let out = Shared::default();
        let (frames, writer) = Frames::new_blocking(out.clone()).unwrap();
        let mut tower = frames.stream();
        tower
            .write_all(b"Content-Length: 2\r\n\r\n{}")
            .await
            .unwrap();
        let uri: Uri = "file:///a.md".parse().unwrap();
        let mut frame = Frames::diagnostics(&uri, None, |o| o.extend_from_slice(b"[]")).unwrap();
        let (tx, written) = Written::channel();
        frame.tell_when_written(tx);
        assert!(frames.send_diagnostics(frame).await);
        written.wait(std::time::Duration::from_secs(10)).await;
        let body = r#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"file:///a.md","diagnostics":[]}}"#;
        let expected = format!(
            "Content-Length: 2\r\n\r\n{{}}Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        // Told only once the frame is on the stream.
        assert_eq!(
            String::from_utf8(out.0.lock().unwrap().clone()).unwrap(),
            expected
        );
        frames.close();
        tokio::time::timeout(std::time::Duration::from_secs(10), writer)
            .await
            .expect("the writer thread ends once closed");
    }
}
