//! Why a WebSocket connection ended: one typed reason per way out of the connection loop,
//! with the close code and text the client is sent and a stable label for logs and metrics.

/// How a WebSocket connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseReason {
    /// The client sent a close frame or closed the TCP connection.
    ClientClosed,
    /// Reading failed: a protocol error, or the connection broke.
    ReadFailed,
    /// The client sent a message (or frame) above `WS_MESSAGE_BYTES_MAX`.
    MessageTooLarge,
    /// The outgoing queue was full: the client fell `OUTGOING_QUEUE_MAX` messages behind.
    TooSlow,
    /// A write did not finish within the write timeout: the client stopped reading.
    WriteTimeout,
    /// Nothing arrived from the client, not even a pong, within the dead-peer timeout.
    DeadPeer,
    /// The client kept sending over its rate limit.
    RateLimited,
    /// An operator banned the connection's account or address meanwhile.
    Banned,
    /// The server is shutting down (after its tables drained); the client may reconnect
    /// and resume once it is back.
    ServerShutdown,
}

impl CloseReason {
    /// A stable snake_case label (logs, metrics).
    pub fn as_str(self) -> &'static str {
        match self {
            CloseReason::ClientClosed => "client_closed",
            CloseReason::ReadFailed => "read_failed",
            CloseReason::MessageTooLarge => "message_too_large",
            CloseReason::TooSlow => "too_slow",
            CloseReason::WriteTimeout => "write_timeout",
            CloseReason::DeadPeer => "dead_peer",
            CloseReason::RateLimited => "rate_limited",
            CloseReason::Banned => "banned",
            CloseReason::ServerShutdown => "server_shutdown",
        }
    }

    /// The WebSocket close code for this reason (RFC 6455 §7.4.1): 1008 (policy violation)
    /// when the client broke a limit, 1009 for a message too large, 1001 (going away) when
    /// it stopped answering or the server shuts down. Sent only when
    /// [`CloseReason::sends_close_frame`].
    pub fn close_code(self) -> u16 {
        match self {
            CloseReason::ClientClosed => 1000,
            CloseReason::ReadFailed => 1002,
            CloseReason::MessageTooLarge => 1009,
            CloseReason::TooSlow
            | CloseReason::WriteTimeout
            | CloseReason::RateLimited
            | CloseReason::Banned => 1008,
            CloseReason::DeadPeer | CloseReason::ServerShutdown => 1001,
        }
    }

    /// The close frame's text (at most 123 bytes, as the protocol requires).
    pub fn message(self) -> &'static str {
        match self {
            CloseReason::ClientClosed => "closed",
            CloseReason::ReadFailed => "unreadable message",
            CloseReason::MessageTooLarge => "message too large (at most 4096 bytes)",
            CloseReason::TooSlow => "too slow: messages were dropped",
            CloseReason::WriteTimeout => "too slow: a write timed out",
            CloseReason::DeadPeer => "no answer to pings",
            CloseReason::RateLimited => "rate limit exceeded repeatedly",
            CloseReason::Banned => "banned",
            CloseReason::ServerShutdown => "server shutting down",
        }
    }

    /// Whether the server should still try to send a close frame: not when the client is
    /// gone or has stopped reading (the frame could not be delivered).
    pub fn sends_close_frame(self) -> bool {
        matches!(
            self,
            CloseReason::TooSlow
                | CloseReason::DeadPeer
                | CloseReason::RateLimited
                | CloseReason::Banned
                | CloseReason::MessageTooLarge
                | CloseReason::ServerShutdown
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_texts_fit_a_control_frame() {
        for reason in [
            CloseReason::ClientClosed,
            CloseReason::ReadFailed,
            CloseReason::MessageTooLarge,
            CloseReason::TooSlow,
            CloseReason::WriteTimeout,
            CloseReason::DeadPeer,
            CloseReason::RateLimited,
            CloseReason::Banned,
            CloseReason::ServerShutdown,
        ] {
            assert!(reason.message().len() <= 123, "{reason:?}");
        }
        let limit = crate::limits::WS_MESSAGE_BYTES_MAX.to_string();
        assert!(CloseReason::MessageTooLarge.message().contains(&limit));
    }
}
