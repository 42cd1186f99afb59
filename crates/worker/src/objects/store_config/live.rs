//! The live-preview event bus: preview pages hold a hibernating WebSocket to their store's
//! object (the Worker checked the preview link's signature before forwarding), and saving a
//! draft sends each of them `{"type":"draft-changed"}`. Hibernation means an idle preview
//! costs nothing: the object may be evicted while its sockets stay open.

use super::StoreState;
use wandstore_core::events::BestEffort;
use worker::{Request, Response, WebSocketPair};

/// The tag of preview sockets.
const PREVIEW_TAG: &str = "preview";
/// The event a draft save sends.
pub const DRAFT_CHANGED: &str = r#"{"type":"draft-changed"}"#;
/// Sockets one store keeps at most; older ones are closed first.
const MAX_SOCKETS: usize = 200;

/// Whether a request to the object is a WebSocket upgrade.
pub fn is_upgrade(req: &Request) -> bool {
    req.headers()
        .get("upgrade")
        .ok()
        .flatten()
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

impl StoreState {
    /// Accepts a preview page's socket (hibernating).
    pub fn accept_preview_socket(&self) -> worker::Result<Response> {
        let open = self.state.get_websockets_with_tag(PREVIEW_TAG);
        if open.len() >= MAX_SOCKETS {
            for old in open.iter().take(open.len() + 1 - MAX_SOCKETS) {
                let _ = old.close(Some(1013), Some("too many preview sockets"));
            }
        }
        let pair = WebSocketPair::new()?;
        self.state
            .accept_websocket_with_tags(&pair.server, &[PREVIEW_TAG]);
        Response::from_websocket(pair.client)
    }

    /// Tells every open preview that the draft changed.
    pub(super) fn broadcast_draft_changed(&self) {
        for ws in self.state.get_websockets_with_tag(PREVIEW_TAG) {
            if let Err(e) = ws.send_with_str(DRAFT_CHANGED) {
                self.best_effort_failed(BestEffort::PreviewEvent, &e);
            }
        }
    }
}
