//! Pagination links for listings (collections, search results).

/// Pages shown on each side of the current one; the first and last are always shown.
const WINDOW: u32 = 2;

/// Previous/next links and numbered page links, with gaps ("…") where pages are skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pager {
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageLink {
    pub number: u32,
    pub url: String,
    pub current: bool,
    /// Pages were skipped between the previous link and this one.
    pub gap_before: bool,
}

impl Pager {
    /// `None` when there is only one page. `url(n)` is page `n`'s address.
    pub fn new(page: u32, total_pages: u32, url: impl Fn(u32) -> String) -> Option<Pager> {
        if total_pages <= 1 {
            return None;
        }
        let mut pages = Vec::new();
        let mut last_shown = 0;
        for n in 1..=total_pages {
            let near = n.abs_diff(page) <= WINDOW;
            if n == 1 || n == total_pages || near {
                pages.push(PageLink {
                    number: n,
                    url: url(n),
                    current: n == page,
                    gap_before: n > last_shown + 1,
                });
                last_shown = n;
            }
        }
        Some(Pager {
            prev: (page > 1).then(|| url(page - 1)),
            next: (page < total_pages).then(|| url(page + 1)),
            pages,
        })
    }
}

/// "Showing 25–48 of 120 products" (or "1 product", "3 products").
pub(crate) fn showing(
    page: u32,
    per_page: usize,
    on_page: usize,
    total: usize,
    noun: (&str, &str),
) -> String {
    let word = if total == 1 { noun.0 } else { noun.1 };
    if on_page == 0 || on_page == total {
        return format!("{total} {word}");
    }
    let first = (page as usize - 1) * per_page + 1;
    let last = first + on_page - 1;
    format!("Showing {first}–{last} of {total} {word}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(p: &Pager) -> String {
        p.pages
            .iter()
            .map(|l| {
                let gap = if l.gap_before { "… " } else { "" };
                let n = if l.current {
                    format!("[{}]", l.number)
                } else {
                    l.number.to_string()
                };
                format!("{gap}{n}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn one_page_needs_no_pager() {
        assert_eq!(Pager::new(1, 1, |n| n.to_string()), None);
    }

    #[test]
    fn windows_around_the_current_page() {
        let url = |n: u32| format!("?page={n}");
        let first = Pager::new(1, 10, url).unwrap();
        assert_eq!(shown(&first), "[1] 2 3 … 10");
        assert_eq!(first.prev, None);
        assert_eq!(first.next.as_deref(), Some("?page=2"));
        let middle = Pager::new(5, 10, url).unwrap();
        assert_eq!(shown(&middle), "1 … 3 4 [5] 6 7 … 10");
        assert_eq!(middle.prev.as_deref(), Some("?page=4"));
        let last = Pager::new(10, 10, url).unwrap();
        assert_eq!(shown(&last), "1 … 8 9 [10]");
        assert_eq!(last.next, None);
        assert_eq!(shown(&Pager::new(2, 4, url).unwrap()), "1 [2] 3 4");
    }

    #[test]
    fn result_counts() {
        let n = ("product", "products");
        assert_eq!(showing(2, 24, 24, 120, n), "Showing 25–48 of 120 products");
        assert_eq!(showing(5, 24, 24, 120, n), "Showing 97–120 of 120 products");
        assert_eq!(showing(1, 24, 1, 1, n), "1 product");
        assert_eq!(showing(1, 24, 3, 3, n), "3 products");
        assert_eq!(showing(1, 24, 0, 0, n), "0 products");
    }
}
