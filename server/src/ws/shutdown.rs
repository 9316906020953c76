//! Closing WebSockets when the server shuts down: the notice every connection watches, and
//! the goodbye it sends (what is still queued for it, then a close frame with code 1001).
//!
//! hyper stops tracking a connection once it is upgraded, so its graceful shutdown neither
//! tells WebSockets nor waits for them. [`ShutdownNotice`] does both for `run`: each
//! connection holds a [`ShutdownWatch`] from before its upgrade until its task ends, `run`
//! raises the notice once the tables have drained and then waits, bounded, until no watch is
//! left. Built on a `tokio::sync::watch` channel: its value cannot be missed (unlike a
//! broadcast, which can lag), and the sender knows when its last receiver is gone.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{Sink, SinkExt};
use tokio::sync::{mpsc, watch};

use crate::limits::WS_CLOSE_SEND_TIMEOUT;
use crate::ws::close::CloseReason;
use crate::ws::socket::{self, Message};

/// The server side of the notice: raised once, at shutdown; one per server.
#[derive(Debug)]
pub struct ShutdownNotice {
    raised: watch::Sender<bool>,
}

impl Default for ShutdownNotice {
    fn default() -> ShutdownNotice {
        ShutdownNotice::new()
    }
}

impl ShutdownNotice {
    /// A notice not raised yet, with no connection watching it.
    pub fn new() -> ShutdownNotice {
        ShutdownNotice {
            raised: watch::Sender::new(false),
        }
    }

    /// A watch for one connection: it sees the notice (also one raised before the watch was
    /// taken) and counts as open until dropped.
    pub fn watch(&self) -> ShutdownWatch {
        ShutdownWatch {
            raised: self.raised.subscribe(),
        }
    }

    /// Tells every connection, open now or opened later, to say goodbye and close.
    pub fn raise(&self) {
        self.raised.send_replace(true);
    }

    /// Whether [`ShutdownNotice::raise`] was called.
    pub fn is_raised(&self) -> bool {
        *self.raised.borrow()
    }

    /// Connections holding a watch now.
    pub fn watching(&self) -> usize {
        self.raised.receiver_count()
    }

    /// Completes when no watch is left (at once if none is held). Unbounded: callers put
    /// their own limit on it.
    pub fn all_closed(&self) -> impl Future<Output = ()> + '_ {
        self.raised.closed()
    }
}

/// One connection's view of the [`ShutdownNotice`]; dropping it tells `run` the connection
/// is gone.
#[derive(Debug)]
pub struct ShutdownWatch {
    raised: watch::Receiver<bool>,
}

impl ShutdownWatch {
    /// Completes once the notice is raised: at once if it already was, so a connection
    /// upgraded during the drain closes as soon as its loop starts.
    pub async fn raised(&mut self) {
        // `wait_for` looks at the current value first, not only at changes after the watch
        // was taken. It fails only if the notice is dropped, and the notice lives in the
        // server state every connection holds; should it happen, there is nothing to wait for.
        if self.raised.wait_for(|raised| *raised).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// The goodbye of a connection the server closes for shutting down: the messages already
/// queued for it go out first (the events of the hands that just finished, answers to its
/// last requests), within `write_timeout`, then the close frame with code 1001 within
/// [`WS_CLOSE_SEND_TIMEOUT`]. Returns how the connection ended: [`CloseReason::ServerShutdown`],
/// or [`CloseReason::WriteTimeout`] / [`CloseReason::ClientClosed`] when the queued messages
/// could not be written (then no close frame is tried: the client is not reading or gone).
pub(crate) async fn say_goodbye<S>(
    sink: &mut S,
    outgoing: &mut mpsc::Receiver<Arc<str>>,
    write_timeout: Duration,
) -> CloseReason
where
    S: Sink<Message> + Unpin,
{
    if let Err(reason) = super::write_queued(sink, None, outgoing, write_timeout).await {
        return reason;
    }
    let reason = CloseReason::ServerShutdown;
    let _ = tokio::time::timeout(WS_CLOSE_SEND_TIMEOUT, sink.send(socket::close(reason))).await;
    reason
}

#[cfg(test)]
mod tests {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

    use super::*;

    /// Records what is sent; a stuck sink never takes anything (a client that stopped
    /// reading, its TCP buffers full).
    #[derive(Default)]
    struct RecordingSink {
        sent: Vec<Message>,
        stuck: bool,
    }

    impl Sink<Message> for RecordingSink {
        type Error = std::convert::Infallible;

        fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            if self.stuck {
                Poll::Pending
            } else {
                Poll::Ready(Ok(()))
            }
        }

        fn start_send(mut self: Pin<&mut Self>, item: Message) -> Result<(), Self::Error> {
            self.sent.push(item);
            Ok(())
        }

        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            self.poll_ready(cx)
        }

        fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            self.poll_ready(cx)
        }
    }

    fn queue_of(texts: &[&str]) -> mpsc::Receiver<Arc<str>> {
        let (queue, outgoing) = mpsc::channel(texts.len().max(1));
        for text in texts {
            queue.try_send(Arc::from(*text)).expect("room");
        }
        outgoing
    }

    #[tokio::test]
    async fn the_queued_messages_go_out_before_the_close_frame() {
        let mut sink = RecordingSink::default();
        let mut outgoing = queue_of(&["one", "two", "three"]);
        let reason = say_goodbye(&mut sink, &mut outgoing, Duration::from_secs(5)).await;
        assert_eq!(reason, CloseReason::ServerShutdown);
        let texts: Vec<_> = sink.sent[..3]
            .iter()
            .map(|m| m.to_text().expect("text").to_owned())
            .collect();
        assert_eq!(texts, ["one", "two", "three"]);
        match &sink.sent[3..] {
            [Message::Close(Some(frame))] => {
                assert_eq!(frame.code, CloseCode::Away);
                assert_eq!(frame.reason.as_str(), "server shutting down");
            }
            other => panic!("expected one close frame, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_client_that_stopped_reading_is_given_up_after_the_write_timeout() {
        let mut sink = RecordingSink {
            stuck: true,
            ..RecordingSink::default()
        };
        let mut outgoing = queue_of(&["one"]);
        let timeout = Duration::from_millis(50);
        let started = tokio::time::Instant::now();
        let reason = say_goodbye(&mut sink, &mut outgoing, timeout).await;
        assert_eq!(reason, CloseReason::WriteTimeout);
        assert!(sink.sent.is_empty(), "no close frame after a failed write");
        // Well below the close frame's own timeout: nothing more was tried.
        assert!(
            started.elapsed() < WS_CLOSE_SEND_TIMEOUT,
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn a_watch_sees_the_notice_raised_before_or_after_it_was_taken() {
        let notice = ShutdownNotice::new();
        let mut early = notice.watch();
        assert_eq!(notice.watching(), 1);
        notice.raise();
        let mut late = notice.watch();
        let seen = async {
            early.raised().await;
            late.raised().await;
        };
        tokio::time::timeout(Duration::from_secs(5), seen)
            .await
            .expect("both see it");
        assert!(notice.is_raised());
    }

    #[tokio::test]
    async fn all_closed_waits_for_the_last_watch() {
        let notice = ShutdownNotice::new();
        notice.all_closed().await; // none held: at once
        let first = notice.watch();
        let second = notice.watch();
        let gone = notice.all_closed();
        tokio::pin!(gone);
        drop(first);
        assert!(
            tokio::time::timeout(Duration::from_millis(20), &mut gone)
                .await
                .is_err(),
            "one is still held"
        );
        drop(second);
        tokio::time::timeout(Duration::from_secs(5), gone)
            .await
            .expect("the last one dropped");
        assert_eq!(notice.watching(), 0);
    }
}
