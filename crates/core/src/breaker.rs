//! Circuit breaker state machine, time passed in. (Being written.)
