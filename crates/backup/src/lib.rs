pub mod contents;
pub mod crypto;
pub mod id;
pub mod keys;
pub mod manifest;
pub mod ndjson;
pub mod restore;
pub mod run;
