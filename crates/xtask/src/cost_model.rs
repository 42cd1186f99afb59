//! What a month of traffic costs on Cloudflare's Workers Paid plan, from the figures a bench
//! run measured (per request: Durable Object calls, SQLite rows read and written, CPU ms of the
//! user worker, latency) and the published rates below. Pure: `cargo xtask bench` feeds it
//! its medians and prints the table.
//!
//! Rates are Workers Paid's as published on developers.cloudflare.com (Workers, Durable
//! Objects and R2 pricing pages, checked November 2026). Durable Object duration is billed
//! per 128 MB of memory while an object is active; the model takes the request's p50 latency
//! as the time objects are active, an upper bound (it includes the Worker and the network).

/// A rate: so much per million units, after a monthly allowance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub included_per_month: f64,
    pub usd_per_million: f64,
}

/// Workers Paid: the $5 subscription and the usage rates that matter here.
pub const SUBSCRIPTION_USD: f64 = 5.0;
pub const WORKER_REQUESTS: Rate = Rate {
    included_per_month: 10e6,
    usd_per_million: 0.30,
};
pub const WORKER_CPU_MS: Rate = Rate {
    included_per_month: 30e6,
    usd_per_million: 0.02,
};
pub const DO_REQUESTS: Rate = Rate {
    included_per_month: 1e6,
    usd_per_million: 0.15,
};
pub const DO_GB_SECONDS: Rate = Rate {
    included_per_month: 400_000.0,
    usd_per_million: 12.50,
};
pub const ROWS_READ: Rate = Rate {
    included_per_month: 25e9,
    usd_per_million: 0.001,
};
pub const ROWS_WRITTEN: Rate = Rate {
    included_per_month: 50e6,
    usd_per_million: 1.00,
};
/// R2 class B (reads): what serving an uploaded asset costs when the CDN does not have it.
pub const R2_CLASS_B: Rate = Rate {
    included_per_month: 10e6,
    usd_per_million: 0.36,
};
/// Durable Object memory billed while active.
const DO_GB: f64 = 0.128;

/// Per-request figures of one kind of request, as measured.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PerRequest {
    pub do_calls: f64,
    pub rows_read: f64,
    pub rows_written: f64,
    pub cpu_ms: f64,
    pub p50_ms: f64,
}

/// What 1,000 requests of a kind use.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Usage {
    pub worker_requests: f64,
    pub do_requests: f64,
    pub do_gb_seconds: f64,
    pub rows_read: f64,
    pub rows_written: f64,
    pub cpu_ms: f64,
    /// R2 reads (uploaded assets missing from the CDN's cache).
    pub r2_reads: f64,
    /// Model calls through AI Gateway (priced by the model's provider, not counted here).
    pub ai_calls: f64,
}

impl Usage {
    /// Per 1,000 requests measured as `m`.
    pub fn per_thousand(m: PerRequest) -> Usage {
        let n = 1000.0;
        Usage {
            worker_requests: n,
            do_requests: m.do_calls * n,
            do_gb_seconds: if m.do_calls > 0.0 {
                m.p50_ms / 1000.0 * DO_GB * n
            } else {
                0.0
            },
            rows_read: m.rows_read * n,
            rows_written: m.rows_written * n,
            cpu_ms: m.cpu_ms * n,
            r2_reads: 0.0,
            ai_calls: 0.0,
        }
    }

    fn scaled(self, k: f64) -> Usage {
        Usage {
            worker_requests: self.worker_requests * k,
            do_requests: self.do_requests * k,
            do_gb_seconds: self.do_gb_seconds * k,
            rows_read: self.rows_read * k,
            rows_written: self.rows_written * k,
            cpu_ms: self.cpu_ms * k,
            r2_reads: self.r2_reads * k,
            ai_calls: self.ai_calls * k,
        }
    }

    fn plus(self, o: Usage) -> Usage {
        Usage {
            worker_requests: self.worker_requests + o.worker_requests,
            do_requests: self.do_requests + o.do_requests,
            do_gb_seconds: self.do_gb_seconds + o.do_gb_seconds,
            rows_read: self.rows_read + o.rows_read,
            rows_written: self.rows_written + o.rows_written,
            cpu_ms: self.cpu_ms + o.cpu_ms,
            r2_reads: self.r2_reads + o.r2_reads,
            ai_calls: self.ai_calls + o.ai_calls,
        }
    }
}

/// The traffic a month is made of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Traffic {
    pub page_views_per_day: f64,
    /// Cart writes per page view.
    pub cart_writes_per_page_view: f64,
    /// R2 reads per page view (assets the CDN did not have).
    pub r2_reads_per_page_view: f64,
    /// Model calls per page view (at most one per shopper per refresh interval, only after
    /// new events).
    pub ai_calls_per_page_view: f64,
}

impl Default for Traffic {
    /// 1 M page views a day, one cart write per 20 page views, one R2 read per 100 page views,
    /// one model call per 10 page views (a shopper's session refreshed about once).
    fn default() -> Self {
        Traffic {
            page_views_per_day: 1e6,
            cart_writes_per_page_view: 0.05,
            r2_reads_per_page_view: 0.01,
            ai_calls_per_page_view: 0.1,
        }
    }
}

/// One line of the bill.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub what: &'static str,
    pub used: f64,
    pub usd: f64,
}

/// What usage beyond a rate's allowance costs.
pub fn charge(rate: Rate, used: f64) -> f64 {
    (used - rate.included_per_month).max(0.0) / 1e6 * rate.usd_per_million
}

/// A month of `traffic`, given what 1,000 page views and 1,000 cart writes use.
pub fn month(page_views: Usage, cart_writes: Usage, traffic: Traffic) -> Vec<Line> {
    let views = traffic.page_views_per_day * 30.0;
    let writes = views * traffic.cart_writes_per_page_view;
    let mut total = page_views
        .scaled(views / 1000.0)
        .plus(cart_writes.scaled(writes / 1000.0));
    total.r2_reads += views * traffic.r2_reads_per_page_view;
    total.ai_calls += views * traffic.ai_calls_per_page_view;
    // Asset reads are Worker requests too.
    total.worker_requests += views * traffic.r2_reads_per_page_view;
    let mut lines = vec![
        Line {
            what: "Workers Paid subscription",
            used: 1.0,
            usd: SUBSCRIPTION_USD,
        },
        Line {
            what: "Worker requests",
            used: total.worker_requests,
            usd: charge(WORKER_REQUESTS, total.worker_requests),
        },
        Line {
            what: "Worker CPU ms",
            used: total.cpu_ms,
            usd: charge(WORKER_CPU_MS, total.cpu_ms),
        },
        Line {
            what: "Durable Object requests",
            used: total.do_requests,
            usd: charge(DO_REQUESTS, total.do_requests),
        },
        Line {
            what: "Durable Object duration (GB-s, upper bound)",
            used: total.do_gb_seconds,
            usd: charge(DO_GB_SECONDS, total.do_gb_seconds),
        },
        Line {
            what: "SQLite rows read",
            used: total.rows_read,
            usd: charge(ROWS_READ, total.rows_read),
        },
        Line {
            what: "SQLite rows written",
            used: total.rows_written,
            usd: charge(ROWS_WRITTEN, total.rows_written),
        },
        Line {
            what: "R2 reads (class B)",
            used: total.r2_reads,
            usd: charge(R2_CLASS_B, total.r2_reads),
        },
    ];
    lines.push(Line {
        what: "AI Gateway model calls (billed by the provider)",
        used: total.ai_calls,
        usd: 0.0,
    });
    lines
}

/// The month's total in USD.
pub fn total(lines: &[Line]) -> f64 {
    lines.iter().map(|l| l.usd).sum()
}

/// The mean of the page scenarios' figures (home, collection, product in equal parts).
pub fn mean(pages: &[PerRequest]) -> PerRequest {
    let n = pages.len().max(1) as f64;
    let sum = |f: fn(&PerRequest) -> f64| pages.iter().map(f).sum::<f64>() / n;
    PerRequest {
        do_calls: sum(|p| p.do_calls),
        rows_read: sum(|p| p.rows_read),
        rows_written: sum(|p| p.rows_written),
        cpu_ms: sum(|p| p.cpu_ms),
        p50_ms: sum(|p| p.p50_ms),
    }
}

/// Prints the usage per 1,000 and the month, as Markdown tables.
pub fn print(pages: PerRequest, cart: PerRequest, traffic: Traffic) {
    let (p, c) = (Usage::per_thousand(pages), Usage::per_thousand(cart));
    println!("\n| per 1,000 | page views | cart writes |");
    println!("|---|---|---|");
    type Figure = (&'static str, fn(&Usage) -> f64);
    let rows: [Figure; 6] = [
        ("Worker requests", |u| u.worker_requests),
        ("Durable Object requests", |u| u.do_requests),
        ("Durable Object GB-s (upper bound)", |u| u.do_gb_seconds),
        ("SQLite rows read", |u| u.rows_read),
        ("SQLite rows written", |u| u.rows_written),
        ("Worker CPU ms", |u| u.cpu_ms),
    ];
    for (what, get) in rows {
        println!("| {what} | {:.1} | {:.1} |", get(&p), get(&c));
    }
    let lines = month(p, c, traffic);
    println!(
        "\n| a month at {:.0} page views a day ({:.0} % cart writes) | used | USD |",
        traffic.page_views_per_day,
        traffic.cart_writes_per_page_view * 100.0
    );
    println!("|---|---|---|");
    for l in &lines {
        println!("| {} | {:.0} | {:.2} |", l.what, l.used, l.usd);
    }
    println!("| **total** | | **{:.2}** |", total(&lines));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> PerRequest {
        PerRequest {
            do_calls: 1.3,
            rows_read: 4.0,
            rows_written: 1.0,
            cpu_ms: 2.0,
            p50_ms: 20.0,
        }
    }

    #[test]
    fn usage_scales_per_thousand() {
        let u = Usage::per_thousand(page());
        assert_eq!(u.worker_requests, 1000.0);
        assert!((u.do_requests - 1300.0).abs() < 1e-9);
        assert!((u.rows_read - 4000.0).abs() < 1e-9);
        assert!((u.cpu_ms - 2000.0).abs() < 1e-9);
        // 1,000 requests × 20 ms × 0.128 GB.
        assert!((u.do_gb_seconds - 2.56).abs() < 1e-9);
    }

    #[test]
    fn allowances_come_off_before_charging() {
        assert_eq!(charge(DO_REQUESTS, 999_999.0), 0.0);
        assert!((charge(DO_REQUESTS, 2e6) - 0.15).abs() < 1e-12);
        assert!((charge(ROWS_WRITTEN, 51e6) - 1.0).abs() < 1e-12);
        assert_eq!(charge(ROWS_READ, 1e9), 0.0);
    }

    #[test]
    fn a_month_adds_cart_writes_assets_and_the_subscription() {
        let lines = month(
            Usage::per_thousand(page()),
            Usage::per_thousand(page()),
            Traffic::default(),
        );
        let get = |what: &str| {
            lines
                .iter()
                .find(|l| l.what == what)
                .map(|l| (l.used, l.usd))
                .unwrap()
        };
        // 30 M views + 1.5 M cart writes + 0.3 M asset reads.
        assert!((get("Worker requests").0 - 31.8e6).abs() < 1.0);
        assert!((get("Worker requests").1 - (31.8 - 10.0) * 0.30).abs() < 1e-6);
        assert!((get("Durable Object requests").0 - 31.5e6 * 1.3).abs() < 1.0);
        assert!((get("AI Gateway model calls (billed by the provider)").0 - 3e6).abs() < 1.0);
        assert_eq!(get("Workers Paid subscription").1, 5.0);
        assert!(total(&lines) > 5.0);
    }

    #[test]
    fn no_traffic_costs_the_subscription() {
        let none = Traffic {
            page_views_per_day: 0.0,
            ..Traffic::default()
        };
        let lines = month(Usage::default(), Usage::default(), none);
        assert_eq!(total(&lines), SUBSCRIPTION_USD);
    }

    #[test]
    fn the_page_mix_is_the_mean_of_the_pages() {
        let a = PerRequest {
            rows_read: 2.0,
            ..page()
        };
        let b = PerRequest {
            rows_read: 4.0,
            ..page()
        };
        assert_eq!(mean(&[a, b]).rows_read, 3.0);
        assert_eq!(mean(&[]).rows_read, 0.0);
    }
}
