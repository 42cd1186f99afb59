//! Random bytes drawn from the runtime's CSPRNG a block at a time: a request id, a CSP nonce
//! and a new shopper's id each take 16 bytes, and asking the runtime for them one by one costs
//! three crossings into JavaScript each. The pool asks for [`BLOCK`] bytes at once and hands
//! each byte out once, zeroing it as it goes. Secrets that outlive a request (owner tokens,
//! sealing nonces) are drawn directly, not from here.

/// How many bytes one refill asks the source for (64 ids' worth).
pub const BLOCK: usize = 1024;

/// Bytes drawn from a source and not yet handed out.
#[derive(Debug, Default)]
pub struct RandomPool {
    block: Vec<u8>,
    used: usize,
}

impl RandomPool {
    pub const fn new() -> Self {
        RandomPool {
            block: Vec::new(),
            used: 0,
        }
    }

    /// `N` bytes never handed out before. When fewer than `N` are left, `fill` (the source)
    /// fills a new block first; if it fails, nothing is handed out and the error is returned
    /// (the next call asks the source again). More than a block is drawn straight from `fill`.
    pub fn take<const N: usize, E>(
        &mut self,
        fill: impl FnOnce(&mut [u8]) -> Result<(), E>,
    ) -> Result<[u8; N], E> {
        let mut out = [0u8; N];
        if N > BLOCK {
            fill(&mut out)?;
            return Ok(out);
        }
        if self.block.len().saturating_sub(self.used) < N {
            let mut block = vec![0u8; BLOCK];
            fill(&mut block)?;
            self.block = block;
            self.used = 0;
        }
        let taken = &mut self.block[self.used..self.used + N];
        out.copy_from_slice(taken);
        taken.fill(0);
        self.used += N;
        Ok(out)
    }

    /// Bytes left before the next refill.
    pub fn left(&self) -> usize {
        self.block.len().saturating_sub(self.used)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source counting its calls and filling with a running counter (so every byte differs
    /// from its neighbours' until it wraps).
    fn counting(calls: &mut u32, next: &mut u8) -> impl FnMut(&mut [u8]) -> Result<(), String> {
        move |buf: &mut [u8]| {
            *calls += 1;
            for b in buf.iter_mut() {
                *b = *next;
                *next = next.wrapping_add(1);
            }
            Ok(())
        }
    }

    #[test]
    fn one_refill_serves_a_block_of_ids_each_byte_once() {
        let mut pool = RandomPool::new();
        let (mut calls, mut next) = (0u32, 0u8);
        let mut seen = Vec::new();
        for _ in 0..BLOCK / 16 {
            let id: [u8; 16] = pool.take(counting(&mut calls, &mut next)).unwrap();
            seen.push(id);
        }
        assert_eq!(calls, 1, "64 ids of 16 bytes come from one block");
        assert_eq!(pool.left(), 0);
        assert_eq!(seen[0][..4], [0, 1, 2, 3]);
        assert_eq!(
            seen[1][..4],
            [16, 17, 18, 19],
            "no byte is handed out twice"
        );
        let next_id: [u8; 16] = pool.take(counting(&mut calls, &mut next)).unwrap();
        assert_eq!(calls, 2, "the 65th id refills");
        assert_eq!(
            next_id[0], 0,
            "a fresh block, from the source's next bytes (0 after 255)"
        );
    }

    #[test]
    fn handed_out_bytes_are_wiped_from_the_pool() {
        let mut pool = RandomPool::new();
        let _: [u8; 16] = pool
            .take(|b: &mut [u8]| -> Result<(), ()> {
                b.fill(0xab);
                Ok(())
            })
            .unwrap();
        assert!(pool.block[..16].iter().all(|b| *b == 0));
        assert!(pool.block[16..].iter().all(|b| *b == 0xab));
    }

    #[test]
    fn a_failing_source_hands_out_nothing_and_is_asked_again() {
        let mut pool = RandomPool::new();
        let failed: Result<[u8; 16], &str> = pool.take(|_| Err("no entropy"));
        assert_eq!(failed, Err("no entropy"));
        assert_eq!(pool.left(), 0);
        let ok: Result<[u8; 16], &str> = pool.take(|b| {
            b.fill(7);
            Ok(())
        });
        assert_eq!(ok, Ok([7; 16]));
    }

    #[test]
    fn a_request_for_fewer_bytes_than_are_left_uses_them_and_more_refills() {
        let mut pool = RandomPool::new();
        let (mut calls, mut next) = (0u32, 0u8);
        let _: [u8; 1000] = pool.take(counting(&mut calls, &mut next)).unwrap();
        assert_eq!(pool.left(), BLOCK - 1000);
        let _: [u8; 24] = pool.take(counting(&mut calls, &mut next)).unwrap();
        assert_eq!((calls, pool.left()), (1, 0), "exactly the 24 left");
        let _: [u8; 16] = pool.take(counting(&mut calls, &mut next)).unwrap();
        assert_eq!(calls, 2);
    }

    #[test]
    fn more_than_a_block_is_drawn_straight_from_the_source() {
        let mut pool = RandomPool::new();
        let (mut calls, mut next) = (0u32, 0u8);
        let big: [u8; 2048] = pool.take(counting(&mut calls, &mut next)).unwrap();
        assert_eq!((calls, pool.left()), (1, 0), "the pool keeps nothing of it");
        assert_eq!(big[256], 0);
    }
}
