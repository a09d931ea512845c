//! Server-level tests that need no running process: replay over recorded traffic.

extern crate watchfloor_server as server;

mod replay;
