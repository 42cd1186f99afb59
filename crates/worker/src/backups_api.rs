//! R2 listings of the backups bucket, page by page: the admin API's listing of complete
//! backups with their manifest summaries (`GET /admin/backups`, whose paging is
//! `wandstore_protocol::admin_run`'s), and [`list_pages`] for the StoreConfig objects.
//! The routes themselves run in `crate::admin`; what they ask and answer is
//! `wandstore_protocol::{admin_run, backup_admin}`'s.

use wandstore_backup::manifest::SUMMARY_METADATA;
use wandstore_protocol::admin_run::ListedPage;
use worker::{Bucket, Env, Include, Objects};

/// One page of the objects under `prefix` from `cursor`, with their custom metadata if
/// `metadata`.
async fn page(
    bucket: &Bucket,
    prefix: &str,
    metadata: bool,
    cursor: Option<String>,
) -> worker::Result<Objects> {
    let mut list = bucket.list().prefix(prefix);
    if metadata {
        list = list.include(vec![Include::CustomMetadata]);
    }
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
    let listed = page(&bucket, prefix, true, cursor)
        .await
        .map_err(|e| e.to_string())?;
    let objects = listed.objects().into_iter().map(|object| {
        let metadata = object.custom_metadata().unwrap_or_default();
        (object.key(), metadata.get(SUMMARY_METADATA).cloned())
    });
    Ok(ListedPage {
        objects: objects.collect(),
        truncated: listed.truncated(),
        cursor: listed.cursor(),
    })
}

/// Lists the objects under `prefix` (with their custom metadata if `metadata`) page by page,
/// following the cursor, handing each page (and whether more follow) to `page` until it
/// answers false.
pub(crate) async fn list_pages(
    bucket: &Bucket,
    prefix: &str,
    metadata: bool,
    mut each: impl FnMut(Vec<worker::Object>, bool) -> bool,
) -> worker::Result<()> {
    let mut cursor: Option<String> = None;
    loop {
        let listed = page(bucket, prefix, metadata, cursor.take()).await?;
        let more = listed.truncated();
        cursor = listed.cursor().filter(|_| more);
        if !each(listed.objects(), more) || cursor.is_none() {
            return Ok(());
        }
    }
}
