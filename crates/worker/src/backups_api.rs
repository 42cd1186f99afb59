//! R2 listings of the backups bucket, page by page: the admin API's listing of complete
//! backups with their manifest summaries (`GET /admin/backups`, whose paging is
//! `wandstore_protocol::admin_run`'s), and every key under a prefix ([`keys`]) for the
//! StoreConfig objects.
//! The routes themselves run in `crate::admin`; what they ask and answer is
//! `wandstore_protocol::{admin_run, backup_admin}`'s.

use wandstore_protocol::admin_run::ListedPage;
use worker::{Bucket, Env, Include, Objects};

/// One page of the objects under `prefix` from `cursor`, with their custom metadata.
async fn page(bucket: &Bucket, prefix: &str, cursor: Option<String>) -> worker::Result<Objects> {
    let mut list = bucket.list().prefix(prefix);
    list = list.include(vec![Include::CustomMetadata]);
    if let Some(c) = cursor {
        list = list.cursor(c);
    }
    list.execute().await
}

/// One page of `BACKUPS` under `prefix`: each key with its manifest summary.
pub async fn summaries(
    env: &Env,
    prefix: &str,
    cursor: Option<String>,
) -> Result<ListedPage, String> {
    let bucket = env.bucket("BACKUPS").map_err(|e| format!("BACKUPS: {e}"))?;
    let listed = page(&bucket, prefix, cursor).await;
    let listed = listed.map_err(|e| e.to_string())?;
    let objects = listed.objects().into_iter();
    let objects = objects.map(|o| (o.key(), o.custom_metadata().unwrap_or_default()));
    Ok(ListedPage::of(objects, listed.truncated(), listed.cursor()))
}

/// Every key under `prefix`, page by page.
pub(crate) async fn keys(bucket: &Bucket, prefix: &str) -> worker::Result<Vec<String>> {
    let (mut keys, mut cursor) = (Vec::new(), None);
    loop {
        let listed = page(bucket, prefix, cursor.take()).await?;
        keys.extend(listed.objects().iter().map(worker::Object::key));
        cursor = listed.cursor().filter(|_| listed.truncated());
        if cursor.is_none() {
            return Ok(keys);
        }
    }
}
