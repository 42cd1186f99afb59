//! Free loopback ports.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

/// A port that was free on 127.0.0.1 a moment ago (the OS picks it).
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Whether nothing listens on 127.0.0.1:`port` right now: the port can be bound there, and
/// nothing accepts a connection on it (the second check catches a listener on 0.0.0.0 where
/// the OS lets a more specific address share its port, as macOS does).
pub fn port_is_free(port: u16) -> bool {
    if port == 0 || TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_err() {
        return false;
    }
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_someone_listens_on_is_not_free() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding");
        let port = listener.local_addr().expect("address").port();
        assert!(!port_is_free(port));
        drop(listener);
        assert!(port_is_free(port));
    }

    #[test]
    fn a_listener_on_every_address_takes_the_loopback_port_too() {
        let listener = TcpListener::bind("0.0.0.0:0").expect("binding");
        let port = listener.local_addr().expect("address").port();
        assert!(!port_is_free(port));
    }

    #[test]
    fn port_zero_is_never_free() {
        assert!(!port_is_free(0));
    }
}
