//! The postcode lookup table, fetched once (the service worker keeps it for offline use).

use std::cell::RefCell;

use stallside_shared::area::{Area, AreaTable};

thread_local! {
    static TABLE: RefCell<Option<AreaTable>> = const { RefCell::new(None) };
}

/// Looks a postcode up; `Err` with a message when the table cannot be had.
pub async fn lookup(postcode: &str) -> Result<Option<Area>, String> {
    if TABLE.with(|t| t.borrow().is_none()) {
        let text = fetch_table().await?;
        let table = AreaTable::from_compact(&text).map_err(|e| e.to_string())?;
        TABLE.with(|t| *t.borrow_mut() = Some(table));
    }
    Ok(TABLE.with(|t| {
        t.borrow()
            .as_ref()
            .and_then(|table| table.lookup(postcode).cloned())
    }))
}

async fn fetch_table() -> Result<String, String> {
    crate::assets::fetch_text("/areas.csv")
        .await
        .ok_or_else(|| {
            "The postcode list is not on this phone yet: connect once to get it".to_owned()
        })
}
