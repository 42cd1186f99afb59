//! The live-preview event bus: preview pages hold a hibernating WebSocket to their store's
//! object (the Worker checked the preview link's signature before forwarding), and saving a
//! draft sends each of them `protocol::theme::DRAFT_CHANGED`. Hibernation means an idle
//! preview costs nothing: the object may be evicted while its sockets stay open. The limit
//! and the event are in `protocol::theme`; here only the sockets.

use super::StoreState;
use crate::best_effort;
use wandstore_core::events::BestEffort;
use wandstore_protocol::theme::{DRAFT_CHANGED, is_websocket_upgrade, preview_sockets_to_close};
use worker::{Request, Response, WebSocketPair};

/// The tag of preview sockets.
const PREVIEW_TAG: &str = "preview";

/// Whether a request to the object is a WebSocket upgrade.
pub fn is_upgrade(req: &Request) -> bool {
    is_websocket_upgrade(req.headers().get("upgrade").ok().flatten().as_deref())
}

impl StoreState {
    /// Accepts a preview page's socket (hibernating), closing the oldest past the limit.
    pub fn accept_preview_socket(&self) -> worker::Result<Response> {
        let open = self.state.get_websockets_with_tag(PREVIEW_TAG);
        for old in open.iter().take(preview_sockets_to_close(open.len())) {
            let _ = old.close(Some(1013), Some("too many preview sockets"));
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
                best_effort::failed(BestEffort::PreviewEvent, Some(self.slug()), e, "");
            }
        }
    }
}
