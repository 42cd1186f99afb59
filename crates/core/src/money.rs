//! Exact money: integer minor units with an ISO 4217 currency. (Being written.)
