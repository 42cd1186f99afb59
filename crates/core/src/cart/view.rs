//! The cart as the JSON API shows it, and the HTML form actions with the notices their
//! redirects may ask the cart page to show (never free text).

use super::{CartCommand, CommandError, PricedLine, item_count, subtotal};
use crate::money::{Currency, Money};
use serde::{Deserialize, Serialize};

/// Money in the JSON API: `{"amount":"12.50","currency":"USD","formatted":"$12.50"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyJson {
    pub amount: String,
    pub currency: String,
    pub formatted: String,
}

impl From<Money> for MoneyJson {
    fn from(m: Money) -> Self {
        MoneyJson {
            amount: m.to_decimal_string(),
            currency: m.currency.as_str().to_owned(),
            formatted: m.to_string(),
        }
    }
}

/// One cart line in the JSON API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineJson {
    pub variant_id: String,
    pub product_handle: String,
    pub title: String,
    pub quantity: u32,
    pub unit_price: MoneyJson,
    pub line_total: Option<MoneyJson>,
    pub price_when_added: MoneyJson,
    pub price_changed: bool,
    pub available: bool,
}

/// The cart in the JSON API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartJson {
    pub lines: Vec<LineJson>,
    pub item_count: u32,
    pub subtotal: Option<MoneyJson>,
}

impl CartJson {
    /// The priced cart as the API shows it.
    pub fn new(priced: &[PricedLine], currency: Currency) -> Self {
        let lines: Vec<_> = priced.iter().map(|p| p.line.clone()).collect();
        CartJson {
            lines: priced
                .iter()
                .map(|p| LineJson {
                    variant_id: p.line.variant_id.clone(),
                    product_handle: p.product_handle.clone(),
                    title: p.title.clone(),
                    quantity: p.line.quantity,
                    unit_price: p.unit_price.into(),
                    line_total: p.line_total.clone().ok().map(Into::into),
                    price_when_added: p.line.unit_price_when_added.into(),
                    price_changed: p.price_changed.is_some(),
                    available: !p.unavailable,
                })
                .collect(),
            item_count: item_count(&lines),
            subtotal: subtotal(priced, currency).ok().map(Into::into),
        }
    }
}

/// A cart form post: `cart/add`, `cart/update`, `cart/remove`, `cart/clear`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormAction {
    Add,
    Update,
    Remove,
    Clear,
}

impl FormAction {
    pub const ALL: [FormAction; 4] = [
        FormAction::Add,
        FormAction::Update,
        FormAction::Remove,
        FormAction::Clear,
    ];

    /// The action a path segment names.
    pub fn parse(segment: &str) -> Option<Self> {
        FormAction::ALL.into_iter().find(|a| a.segment() == segment)
    }

    pub fn segment(self) -> &'static str {
        match self {
            FormAction::Add => "add",
            FormAction::Update => "update",
            FormAction::Remove => "remove",
            FormAction::Clear => "clear",
        }
    }

    /// The cart command's `op` (see [`super::CartCommand::from_form`]).
    pub fn op(self) -> &'static str {
        match self {
            FormAction::Add => "add",
            FormAction::Update => "set_quantity",
            FormAction::Remove => "remove",
            FormAction::Clear => "clear",
        }
    }

    /// The command a form post asks for: this action's `op` with the form's `variant_id` and
    /// `quantity` (a posted `op` and unknown fields are ignored).
    pub fn command(self, fields: &[(String, String)]) -> Result<CartCommand, CommandError> {
        let pairs = (fields.iter())
            .filter(|(k, _)| k != "op")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(std::iter::once(("op", self.op())));
        CartCommand::from_form(pairs)
    }

    /// Where a form post that went through goes: the cart (under `base`) with its notice.
    pub fn redirect(self, base: &str) -> String {
        format!("{base}cart?notice={}", self.notice())
    }

    /// The notice key the redirect to the cart carries (`?notice=added`).
    pub fn notice(self) -> &'static str {
        match self {
            FormAction::Add => "added",
            FormAction::Update => "updated",
            FormAction::Remove => "removed",
            FormAction::Clear => "cleared",
        }
    }
}

/// The message for a notice key, if it is one of ours (anything else shows nothing).
pub fn notice_message(key: &str) -> Option<&'static str> {
    match key {
        "added" => Some("Added to your cart."),
        "updated" => Some("Your cart was updated."),
        "removed" => Some("Removed from your cart."),
        "cleared" => Some("Your cart is empty now."),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::reprice;
    use crate::cart::test_support::{CAP, GONE, MUG, catalog, line, usd};

    #[test]
    fn the_json_cart_counts_only_what_can_be_bought() {
        let lines = vec![
            line(MUG, "mug", 2, usd(1500)),
            line(CAP, "cap", 1, usd(1800)),
            line(GONE, "ghost", 3, usd(100)),
        ];
        let cart = CartJson::new(&reprice(&lines, &catalog()), Currency::USD);
        assert_eq!(cart.item_count, 6, "every line's quantity");
        assert_eq!(
            cart.subtotal.as_ref().map(|m| m.amount.as_str()),
            Some("50.00")
        );
        let cap = &cart.lines[1];
        assert!(cap.price_changed, "added at 18.00, now 20.00");
        assert_eq!(cap.unit_price.formatted, "$20.00");
        assert!(!cart.lines[2].available);
        let json = serde_json::to_value(&cart).unwrap();
        assert_eq!(json["lines"][0]["line_total"]["amount"], "30.00");
    }

    #[test]
    fn form_actions_round_trip_and_unknown_ones_are_refused() {
        for a in FormAction::ALL {
            assert_eq!(FormAction::parse(a.segment()), Some(a));
            assert!(notice_message(a.notice()).is_some());
        }
        assert_eq!(FormAction::Update.op(), "set_quantity");
        assert_eq!(FormAction::parse("delete"), None);
        assert_eq!(notice_message("<script>"), None);
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    #[test]
    fn a_form_post_becomes_its_actions_command() {
        let add = FormAction::Add.command(&fields(&[("variant_id", MUG), ("quantity", "2")]));
        assert_eq!(add, CartCommand::add(MUG, 2));
        assert_eq!(add.unwrap().added_variant(), Some(MUG));
        // A posted op cannot turn an update into a clear; other fields are ignored.
        let update = FormAction::Update.command(&fields(&[
            ("op", "clear"),
            ("variant_id", CAP),
            ("quantity", "3"),
            ("_csrf", "x"),
        ]));
        assert_eq!(update, CartCommand::set_quantity(CAP, 3));
        assert_eq!(update.unwrap().added_variant(), None);
        assert_eq!(FormAction::Clear.command(&[]), Ok(CartCommand::Clear));
    }

    #[test]
    fn hostile_form_posts_are_refused() {
        let missing = FormAction::Remove.command(&[]);
        assert!(missing.is_err());
        let huge = FormAction::Add.command(&fields(&[("variant_id", MUG), ("quantity", "100000")]));
        assert!(huge.is_err());
        let words = FormAction::Add.command(&fields(&[("variant_id", MUG), ("quantity", "two")]));
        assert!(words.is_err());
        let twice = FormAction::Add.command(&fields(&[("variant_id", MUG), ("variant_id", CAP)]));
        assert_eq!(twice, Err(CommandError::DuplicateField("variant_id")));
        let long = "g".repeat(crate::cart::MAX_VARIANT_ID_LEN + 1);
        assert!(
            FormAction::Add
                .command(&fields(&[("variant_id", &long)]))
                .is_err()
        );
    }

    #[test]
    fn a_done_form_post_goes_back_to_the_cart_with_its_notice() {
        for action in FormAction::ALL {
            let to = action.redirect("/s/demo/");
            let notice = to.strip_prefix("/s/demo/cart?notice=").unwrap();
            assert!(notice_message(notice).is_some(), "{to}");
        }
    }
}
