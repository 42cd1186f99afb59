//! Catalog types shared by the Shopify client, the product cache and the views. (Being written.)
